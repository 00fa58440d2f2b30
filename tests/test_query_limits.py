"""Long queries are cut to their key words, with a notice (qa/search/query_limits.py)."""

from __future__ import annotations

import doctest

from hypothesis import given
from hypothesis import strategies as st

import qa.search.query_limits
from qa.search.query_limits import limit_query

STOP = frozenset({"của", "và", "các"})


def test_docstring_example() -> None:
    assert doctest.testmod(qa.search.query_limits).failed == 0


def test_a_normal_question_is_untouched() -> None:
    question = "Tiến độ của KCN Hải Long và các dự án?"
    limited = limit_query(question, 40, STOP)
    assert limited.text == question and limited.notice is None


def test_a_pasted_paragraph_keeps_its_first_distinct_content_words() -> None:
    pasted = "Về tiến độ, KCN Hải Long: tiến độ của các dự án và KCN Liên Hà Thái. " * 20
    limited = limit_query(pasted, 8, STOP)
    assert limited.text == "Về tiến độ KCN Hải Long dự án"
    assert (
        limited.notice is not None and "340 từ" in limited.notice and "8 từ khoá" in limited.notice
    )


def test_only_stopwords_still_leave_a_query() -> None:
    limited = limit_query("của và các " * 30, 5, STOP)
    assert limited.text == "của và các của và" and "5 từ khoá" in (limited.notice or "")


@given(st.text(alphabet=st.sampled_from("aăâ bđ của và ,.!?\n"), max_size=400), st.integers(1, 50))
def test_cut_queries_are_bounded_and_cutting_twice_changes_nothing(text: str, limit: int) -> None:
    once = limit_query(text, limit, STOP)
    if once.notice is None:
        assert once.text == text and len(text.split()) <= limit
    else:
        assert 0 < len(once.text.split()) <= limit
    assert limit_query(once.text, limit, STOP).text == once.text
