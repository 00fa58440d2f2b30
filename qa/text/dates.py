"""Document dates: ISO strings that may name only a month or a year (`2023-09`, `2024`)."""

from __future__ import annotations

import calendar
import re
from datetime import date

# `ngày 19 tháng 5 năm 2023`: how documents write a full date (signing, adoption, citation)
FULL_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
# a whole line that only says where and when a document was signed: `Thái Bình, ngày 19 tháng
# 5 năm 2023`, `TP. Thái Bình, ngày …` (a place of at most five words, then the date); the
# loaders read a document's date from it
DATELINE = re.compile(
    r"[^\W_]+\.?(?: [^\W_]+\.?){0,4},\s*" + FULL_DATE.pattern + r"\.?", re.IGNORECASE
)


def full_date(match: re.Match[str]) -> str | None:
    """A `FULL_DATE` match (its last three groups) as ISO, or None when it is no real date.

    >>> full_date(FULL_DATE.search("Thái Bình, ngày 19 tháng 5 năm 2023"))
    '2023-05-19'
    """
    day, month, year = (int(g) for g in match.groups()[-3:])
    if 1 <= month <= 12 and 1 <= day <= 31:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def date_span(value: str | None) -> tuple[date, date] | None:
    """The days an ISO date or prefix covers: `2023-09` → 1–30 Sep 2023; `2023` → the year."""
    if not value:
        return None
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", value.strip())
    if not match:
        return None
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    try:
        if month is None:
            return date(year, 1, 1), date(year, 12, 31)
        if day is None:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        return date(year, month, day), date(year, month, day)
    except ValueError:
        return None


def in_period(value: str | None, after: str | None, before: str | None) -> bool:
    """Does a document dated `value` overlap [after, before]? Both bounds are optional ISO
    prefixes; a month-only date passes a range that overlaps its month (comparing strings
    would drop `2023-09` from a range starting `2023-09-01`). Undated documents pass only
    when no bound is set."""
    if after is None and before is None:
        return True
    span = date_span(value)
    if span is None:
        return False
    low = date_span(after)
    high = date_span(before)
    return (low is None or span[1] >= low[0]) and (high is None or span[0] <= high[1])


def date_label(value: str | None) -> str:
    """`2024-01` → `tháng 01/2024`; `2023-05-19` → `19/05/2023`; unknown → `không rõ ngày`."""
    if not value:
        return "không rõ ngày"
    parts = value.split("-")
    if len(parts) == 3:
        return f"{parts[2]}/{parts[1]}/{parts[0]}"
    if len(parts) == 2:
        return f"tháng {parts[1]}/{parts[0]}"
    return parts[0]
