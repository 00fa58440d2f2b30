"""Provinces a question names: evidence about another province does not answer it.

`Tháng 1/2024 tỉnh Hà Nam thu ngân sách được bao nhiêu?` over reports of Thái Bình finds
Thái Bình's budget line, which covers every word but the province. A province is matched as
typed, capitalised and with its diacritics (`Hà Nam`): folded or lower-case, `thái bình
định nâng` would hold `Bình Định` and `chủ cần thợ` `Cần Thơ`. The documents' own province
is named by their issuers (`UBND tỉnh Thái Bình`), so it is always held.
"""

from __future__ import annotations

import re
from functools import cache

from qa.text.provinces import province_names


@cache
def _provinces() -> re.Pattern[str]:
    # a name is never matched inside a longer one
    longest_first = sorted(province_names(), key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, longest_first))})(?!\w)")


def provinces_named(question: str) -> tuple[str, ...]:
    """The provinces `question` names, as written.

    >>> provinces_named("Tháng 1/2024 tỉnh Hà Nam thu ngân sách được bao nhiêu?")
    ('Hà Nam',)
    >>> provinces_named("tỉnh Thái Bình định nâng khả năng chữa bệnh"), provinces_named("hà nam")
    (('Thái Bình',), ())
    """
    return tuple(dict.fromkeys(_provinces().findall(question)))


def names_provinces(provinces: tuple[str, ...], text: str) -> bool:
    """`text` names every one of `provinces` (case aside).

    >>> names_provinces(("Hà Nam",), "UBND tỉnh Thái Bình\\nThu ngân sách 1.470 tỷ đồng")
    False
    """
    lowered = text.lower()
    return all(p.lower() in lowered for p in provinces)
