"""Partial ISO dates: spans, period overlap, labels."""

from __future__ import annotations

from datetime import date

import pytest

from qa.text.dates import date_label, date_span, in_period


def test_date_spans() -> None:
    assert date_span("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert date_span("2023") == (date(2023, 1, 1), date(2023, 12, 31))
    assert date_span("2023-05-19") == (date(2023, 5, 19), date(2023, 5, 19))
    assert date_span("2023-13") is None
    assert date_span("hôm qua") is None
    assert date_span(None) is None


@pytest.mark.parametrize(
    ("value", "after", "before", "inside"),
    [
        ("2023-09", "2023-09-01", None, True),  # a month overlaps a range starting in it
        ("2023-09", "2023-09-15", "2023-09-15", True),
        ("2023-09", "2023-10", None, False),
        ("2023-12-08", None, "2023-12", True),
        ("2023-12-08", None, "2023-11-30", False),
        (None, None, None, True),
        (None, "2023", None, False),  # undated documents pass only without a range
    ],
)
def test_in_period(value: str | None, after: str | None, before: str | None, inside: bool) -> None:
    assert in_period(value, after, before) is inside


def test_date_labels() -> None:
    assert date_label("2024-01") == "tháng 01/2024"
    assert date_label("2023-05-19") == "19/05/2023"
    assert date_label(None) == "không rõ ngày"
