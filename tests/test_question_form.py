"""A question reads the same however it was typed: capitals, first letter, repeated marks."""

from __future__ import annotations

import pytest
from conftest import BuiltIndex
from hypothesis import example, given
from hypothesis import strategies as st

from qa.answer.ask import ask
from qa.search.question_form import canonical_question, clean_query
from qa.search.searcher import Searcher
from qa.search.truecase import CaseTable


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
@example("a?ĐỘ")  # the first letter, made a capital, was the only small one
def test_canonical_question_is_idempotent_and_keeps_every_letter(text: str) -> None:
    once = canonical_question(text)
    assert canonical_question(once) == once
    assert [ch.casefold() for ch in once if ch.isalpha()] == [
        ch.casefold() for ch in text if ch.isalpha()
    ]
    assert [ch for ch in once if ch.isdigit()] == [ch for ch in text if ch.isdigit()]


def test_case_table_keeps_names_the_corpus_always_capitalises() -> None:
    texts = [
        "Dự án KCN Hải Long được khởi công. Tết vui, dịp Tết an toàn, sau Tết, đón Tết.",
        "Làm việc với Bộ Y tế, với Bộ Công Thương; tiến độ KCN Hải Long, KCN Hải Long.",
        "Tổng kết năm. Tổng kết năm. Tổng kết năm.",  # capitals of a sentence's first word
        "làm việc với bộ phận một cửa",
    ]
    table = CaseTable.from_texts(texts)
    assert table.forms["hải long"] == "Hải Long" and table.forms["tết"] == "Tết"
    assert "tổng" not in table.forms and "tổng kết" not in table.forms
    assert "với bộ" not in table.forms  # half a name
    assert table.restore("tiến độ kcn hải long dịp tết?") == "tiến độ KCN Hải Long dịp Tết?"
    read = canonical_question("tiến độ kcn hải long?", {"KCN"}, table)
    assert read == "Tiến độ KCN Hải Long?"
    assert canonical_question("tiến độ kcn Hải long?", {"KCN"}, table) == "Tiến độ KCN Hải long?"


def test_a_question_typed_in_lower_case_is_answered_as_the_capitalised_one(
    built_index: BuiltIndex,
) -> None:
    searcher = Searcher(built_index.index)
    typed = ask(searcher, "tiến độ KCN Hải Long?")
    assert ask(searcher, "tiến độ kcn hải long?").text == typed.text
    # another province, known by `tỉnh` before it: the Thái Bình figures are no answer
    assert ask(searcher, "tháng 1/2024 tỉnh hà nam thu ngân sách được bao nhiêu tỷ đồng?").abstained


def test_a_question_spelled_with_i_is_answered_as_the_one_spelled_with_y(
    built_index: BuiltIndex,
) -> None:
    searcher = Searcher(built_index.index)
    printed = ask(searcher, "tỷ lệ nợ xấu đến 30/9/2023")
    assert "0,85%" in printed.text
    assert ask(searcher, "tỉ lệ nợ xấu đến 30/9/2023").text == printed.text
    # a rate is named as such: `100% hộ nghèo … được nhận quà Tết` is no `tỷ lệ hộ nghèo`
    assert ask(searcher, "tỉ lệ hộ nghèo năm 2023").abstained
