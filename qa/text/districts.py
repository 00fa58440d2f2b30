"""The districts a corpus names: the capitalised name after `huyện`, `thị xã`, `thành phố`.

Why: districts of one province exclude each other as diseases or crops do
(`qa.answer.kinds_of_things`). `bệnh đốm trắng ở huyện Kiến Xương có bao nhiêu xã` must not
be answered with `8 xã, 02 huyện (Tiền Hải: 04 xã và Thái Thụy: 04 xã)`. No list is needed:
every report names its districts after their title somewhere, whatever the province.
A province's name is never a district's (`thành phố Thái Bình` is the province's seat, and
`Thái Bình` in a question means the province).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from qa.text.provinces import province_names

_TITLE = re.compile(r"(?<!\w)(?:huyện|thị xã|thành phố)\s+([^\W\d_][\w-]*(?:[ ][^\W\d_]\w*){0,2})")
MOST_WORDS = 3  # Vietnamese district names are two syllables, rarely one or three
MIN_SEEN = 2  # a name seen once may be OCR damage (`huyện Qu Phụ`) or a city abroad


def district_names(texts: Iterable[str]) -> tuple[str, ...]:
    """Each district name the texts write after its title at least `MIN_SEEN` times,
    capitalised words only, sorted.

    >>> district_names(["tại 04 xã huyện Tiền Hải, huyện Thái Thụy và thành phố Thái Bình",
    ...                 "huyện Tiền Hải, thị xã Sơn Tây; huyện Thái Thụy, thành phố Thái Bình"])
    ('Thái Thụy', 'Tiền Hải')
    """
    provinces = {name.lower() for name in province_names()}
    found: Counter[str] = Counter()
    for text in texts:
        for match in _TITLE.finditer(text):
            words: list[str] = []
            for word in match.group(1).split()[:MOST_WORDS]:
                if not word[0].isupper():
                    break
                words.append(word)
            name = " ".join(words)
            if words and name.lower() not in provinces:
                found[name] += 1
    return tuple(sorted(name for name, seen in found.items() if seen >= MIN_SEEN))
