"""The names of Vietnam's provinces and centrally run cities (`qa/data/provinces.txt`).

Why here: the answer composer tells a question about another province by them
(`qa.answer.places`), and a question typed in lower case gets their capitals back after
`tỉnh` (`qa.search.truecase`); both read the one list.
"""

from __future__ import annotations

from functools import cache

from qa import DATA_DIR


@cache
def province_names() -> tuple[str, ...]:
    """Each name as written (`Hà Nam`, `Thừa Thiên Huế`), in the file's order.

    >>> "Hà Nam" in province_names() and "Thái Bình" in province_names()
    True
    """
    lines = (DATA_DIR / "provinces.txt").read_text(encoding="utf-8").splitlines()
    return tuple(n.strip() for n in lines if n.strip() and not n.startswith("#"))
