"""Abbreviations a corpus defines as it goes: `Hội đồng thẩm định (HĐTĐ)`.

Why: reports coin their own short forms and use them from then on (`HĐTĐ liên ngành tổ chức
thẩm định dự án`), while a reader asks in full words (`hội đồng thẩm định`). Read at index
time, such a definition joins the bundled abbreviations, so both forms make one search term,
as `KCN` and `khu công nghiệp` do. A definition counts only when the capitals of the
abbreviation are the initials of the words just before it: `(SIPAS)`, `(Par Index)` or a
parenthesised remark are no definition.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable

_DEFINED = re.compile(r"\(\s*([A-ZĐ]{2,8})\s*\)")
_WORDS = re.compile(r"[^\W\d_]+")
LOOKBACK_CHARS = 120  # where the words of a definition are looked for, before `(`


def defined_abbreviations(
    texts: Iterable[str], known: Container[str] = ()
) -> dict[str, tuple[str, ...]]:
    """Abbreviation → the long forms the texts define for it, lower case; abbreviations in
    `known` (the bundled ones) are left out.

    >>> defined_abbreviations(["Quyết định thành lập Hội đồng thẩm định (HĐTĐ) liên ngành"])
    {'HĐTĐ': ('hội đồng thẩm định',)}
    >>> defined_abbreviations(["Chỉ số hài lòng của người dân (SIPAS) xếp thứ 13/63"])
    {}
    """
    found: dict[str, dict[str, None]] = {}
    for text in texts:
        flat = " ".join(text.split())
        for match in _DEFINED.finditer(flat):
            abbreviation = match.group(1)
            if abbreviation in known:
                continue
            before = _WORDS.findall(flat[max(0, match.start() - LOOKBACK_CHARS) : match.start()])
            words = before[-len(abbreviation) :]
            initials = "".join(word[0].upper() for word in words)
            if len(words) == len(abbreviation) and initials == abbreviation:
                found.setdefault(abbreviation, {})[" ".join(words).lower()] = None
    return {abbreviation: tuple(longs) for abbreviation, longs in sorted(found.items())}
