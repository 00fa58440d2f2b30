"""A question reads the same however it was typed: capitals, first letter, repeated marks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qa.search.question_form import canonical_question, clean_query


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("TIẾN ĐỘ KCN HẢI LONG?", "Tiến độ KCN hải long?"),  # `KCN` is no syllable: kept
        ("GRDP 9 THÁNG NĂM 2023 TĂNG BAO NHIÊU?", "GRDP 9 tháng năm 2023 tăng bao nhiêu?"),
        ("NGHỊ QUYẾT 29-NQ/TW", "Nghị quyết 29-NQ/TW"),
        ("GRDP 2023", "GRDP 2023"),  # abbreviations and numbers only: nothing to lower
        ("tiến độ KCN Hải Long", "Tiến độ KCN Hải Long"),
        ("Tiến độ KCN HẢI LONG", "Tiến độ KCN HẢI LONG"),  # partly capitals: as typed
        ("tiến độ KCN Hải Long???!!!", "Tiến độ KCN Hải Long?"),
        ("có khởi công chưa !!", "Có khởi công chưa!"),
        ("đâu ?  vì sao?", "Đâu? vì sao?"),
    ],
)
def test_canonical_question(typed: str, read: str) -> None:
    assert clean_query(typed) == read


_TEXT = st.lists(
    st.sampled_from([*"aăâđeêioôơuưy bcdghklmnpqrstvx?!.,0123456789", "Ư", "Đ", "KCN", "ĐỘ"]),
    min_size=1,
    max_size=30,
).map("".join)


@given(_TEXT)
def test_canonical_question_is_idempotent_and_keeps_every_letter(text: str) -> None:
    once = canonical_question(text)
    assert canonical_question(once) == once
    assert [ch.casefold() for ch in once if ch.isalpha()] == [
        ch.casefold() for ch in text if ch.isalpha()
    ]
    assert [ch for ch in once if ch.isdigit()] == [ch for ch in text if ch.isdigit()]
