"""Questions about a document itself, answered on the seed corpus from its signature block
and dateline, cited from the passage that holds them."""

from __future__ import annotations

import pytest
from conftest import BuiltIndex

from qa.answer.ask import ask
from qa.search.searcher import Searcher


@pytest.fixture(scope="module")
def searcher(built_index: BuiltIndex) -> Searcher:
    return Searcher(built_index.index)


@pytest.mark.parametrize(
    ("question", "line", "quote"),
    [
        (
            "Ai ký Nghị quyết của HĐND tỉnh về phát triển kinh tế - xã hội năm 2024",
            "Nguyễn Tiến Thành (CHỦ TỊCH)",
            "CHỦ TỊCH Nguyễn Tiến Thành",
        ),
        (
            "Chương trình hành động thực hiện Nghị quyết 29-NQ/TW ban hành ngày nào",
            "ngày 19 tháng 5 năm 2023",
            "ngày 19 tháng 5 năm 2023",
        ),
    ],
)
def test_signer_and_issue_date_come_from_the_named_document(
    searcher: Searcher, question: str, line: str, quote: str
) -> None:
    answer = ask(searcher, question)
    assert not answer.abstained
    assert [a.text for a in answer.lines] == [line]
    (citation,) = answer.citations
    assert citation.quote == quote
    chunk = next(h.chunk for h in answer.hits if h.chunk.chunk_id == citation.chunk_id)
    assert quote.split()[-1] in chunk.text  # cited from the passage that holds it


def test_a_signature_block_without_a_name_is_said_so(searcher: Searcher) -> None:
    answer = ask(searcher, "ai ký báo cáo tình hình phát triển kinh tế - xã hội 9 tháng năm 2023")
    assert answer.abstained
    assert answer.notice is not None and "không ghi tên người ký" in answer.notice


def test_other_questions_are_left_to_the_composer(searcher: Searcher) -> None:
    answer = ask(searcher, "GRDP 9 tháng năm 2023 tăng bao nhiêu?")
    assert "7,72%" in answer.text


def test_a_document_the_corpus_only_refers_to_is_not_answered_with_the_referring_ones_date(
    searcher: Searcher,
) -> None:
    # the action programme (2023-05-19) implements Resolution 29-NQ/TW (17/11/2022)
    answer = ask(searcher, "Nghị quyết số 29-NQ/TW về công nghiệp hóa được ban hành ngày nào")
    assert "ngày 19 tháng 5 năm 2023" not in answer.text
    assert "17/11/2022" in answer.text


def test_a_signer_question_naming_no_document_is_left_to_the_composer(searcher: Searcher) -> None:
    answer = ask(searcher, "ai ký")  # every title covers it equally little
    assert answer.notice is None or "không ghi tên người ký" not in answer.notice
