"""The names of Vietnam's provinces and centrally run cities (`qa/data/provinces.txt`).

Why here: the answer composer tells a question about another province by them
(`qa.answer.places`), and a question typed in lower case gets their capitals back after
`tỉnh` (`qa.search.truecase`); both read the one list.
"""

from __future__ import annotations

from functools import cache

from qa import data_lines


@cache
def province_names() -> tuple[str, ...]:
    """Each name as written (`Hà Nam`, `Thừa Thiên Huế`), in the file's order.

    >>> "Hà Nam" in province_names() and "Thái Bình" in province_names()
    True
    """
    return tuple(data_lines("provinces.txt"))
