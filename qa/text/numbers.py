"""Numbers in Vietnamese text, compared by value so `1.234,5` and `1234.5` are the same figure.

Why: an answer may only state figures its cited quote states (issue 10 §4). Vietnamese writes
`47.411 tỷ đồng` (dot = thousands) and `8,3%` (comma = decimal); a generated answer may write
`47,411` or `8.3%`. Each written number is read every way it can be read, and two numbers
match when their readings meet.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# not inside a word or code (`CT.08`), nor a name's number (`Covid-19`)
_NUMBER = re.compile(r"(?<![\w.,])(?<![^\W\d_]-)\d+(?:[.,]\d+)*")


def readings(token: str) -> frozenset[Decimal]:
    """Every value a written number can mean.

    >>> sorted(str(v) for v in readings("47.411"))
    ['47.411', '47411']
    >>> sorted(str(v) for v in readings("1.234,5"))
    ['1234.5']
    >>> sorted(str(v) for v in readings("8,3"))
    ['8.3']
    >>> sorted(str(v) for v in readings("2024"))
    ['2024']
    """
    values: set[Decimal] = set()
    for thousands, decimal in ((".", ","), (",", ".")):
        parts = token.split(decimal)
        if len(parts) > 2:
            continue
        whole = parts[0].split(thousands)
        if len(whole) > 1 and any(len(group) != 3 for group in whole[1:]):
            continue
        if len(parts) == 2 and thousands in parts[1]:
            continue
        text = "".join(whole) + ("." + parts[1] if len(parts) == 2 else "")
        try:
            values.add(Decimal(text).normalize())
        except InvalidOperation:
            continue
    return frozenset(values)


def numbers(text: str) -> list[str]:
    """The numbers written in `text`, as written (a trailing sentence dot is not part of one).

    >>> numbers("GRDP ước đạt 47.411 tỷ đồng, tăng 6,02% so với năm 2022.")
    ['47.411', '6,02', '2022']
    >>> numbers("KCN Hải Long; CT.08; dịch Covid-19")
    []
    """
    return [m.group(0) for m in _NUMBER.finditer(text)]


def unsupported_numbers(answer: str, sources: str) -> list[str]:
    """Numbers of `answer` that no number of `sources` can equal, after normalising forms.

    >>> unsupported_numbers("Thu ngân sách đạt 1234,5 tỷ đồng.", "thu đạt 1.234,5 tỷ đồng")
    []
    >>> unsupported_numbers("GRDP tăng 7,5%.", "GRDP tăng 6,02% so với cùng kỳ")
    ['7,5']
    """
    known: set[Decimal] = set()
    for token in numbers(sources):
        known |= readings(token)
    return [token for token in numbers(answer) if not readings(token) & known]
