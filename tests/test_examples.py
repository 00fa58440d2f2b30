"""The questions the page offers as examples get right answers on the seed corpus.

An official's first click is one of these buttons: a wrong or empty answer there is the
first impression. Each example must have an expected answer here, so adding an example
without checking its answer fails.
"""

from __future__ import annotations

import pytest
from conftest import BuiltIndex

from qa.answer.ask import ask
from qa.page.support import EXAMPLES
from qa.search.searcher import Searcher

# what the short answer must say (any one of the phrases), and the period lead it must carry
EXPECTED: dict[str, tuple[tuple[str, ...], str]] = {
    # the ground-breaking (footnote 25) or the approved plan adjustment: what was done
    "tiến độ KCN Hải Long?": (("khởi công", "phê duyệt điều chỉnh"), ""),
    "GRDP 9 tháng năm 2023 tăng bao nhiêu?": (("7,72%",), ""),
    "mục tiêu tỷ lệ đô thị hóa đến năm 2030": (("40%",), ""),
    "sản lượng thủy sản tháng 01 năm 2024": (("21,9 nghìn",), ""),
    # only 9-month figures exist for 2023: the answer gives them and says so
    "thu ngân sách năm 2023": (("17.064,7 tỷ đồng",), "9 tháng"),
}


@pytest.fixture(scope="module")
def searcher(built_index: BuiltIndex) -> Searcher:
    return Searcher(built_index.index)


def test_every_example_has_an_expected_answer() -> None:
    assert set(EXAMPLES) == set(EXPECTED)


@pytest.mark.parametrize("question", EXAMPLES)
def test_example_is_answered_rightly(searcher: Searcher, question: str) -> None:
    phrases, lead = EXPECTED[question]
    answer = ask(searcher, question, k=8, mode="hybrid")
    assert not answer.abstained, question
    assert any(p in answer.text for p in phrases), answer.text
    if lead:
        assert any(lead in line.lead for line in answer.lines), answer.text


@pytest.mark.parametrize("question", EXAMPLES)
def test_example_typed_otherwise_is_answered_alike(searcher: Searcher, question: str) -> None:
    answer = ask(searcher, question, k=8, mode="hybrid")
    retyped = [question[:1].upper() + question[1:]]
    if question.endswith("?"):
        retyped.append(question[:-1] + " ?!?")
    for typed in retyped:
        again = ask(searcher, typed, k=8, mode="hybrid")
        assert again.text == answer.text and again.query == typed
    shouted = ask(searcher, question.upper(), k=8, mode="hybrid")  # caps lock on
    phrases, _ = EXPECTED[question]
    assert not shouted.abstained and any(p in shouted.text for p in phrases), shouted.text
