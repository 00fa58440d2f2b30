"""Answer assembly on hand-made passages: citation integrity, date order, abstention."""

from __future__ import annotations

import pytest

from qa.answer import ABSTAIN_TEXT, compose_answer
from qa.models import Chunk, DocumentMeta, Hit
from qa.segment import Segmenter


def _hit(rank: int, doc_id: str, date: str, text: str) -> Hit:
    meta = DocumentMeta(doc_id, f"Báo cáo {doc_id}", date, "báo cáo", "UBND", f"{doc_id}.txt")
    chunk = Chunk(f"{doc_id}:0", doc_id, text, 0, len(text), "I. PHÁT TRIỂN KINH TẾ")
    return Hit(rank, 1.0 / rank, chunk, meta)


HITS = [
    _hit(
        1,
        "b2024",
        "2024-01",
        "Đẩy nhanh tiến độ thực hiện các dự án KCN Hải Long, KCN VSIP. "
        "Tổ chức Hội nghị xúc tiến đầu tư.",
    ),
    _hit(
        2,
        "a2023",
        "2023-09",
        "Chỉ đạo đẩy nhanh tiến độ triển khai Khu công nghiệp Hải Long. "
        "Lúa Xuân được mùa, năng suất cao.",
    ),
]


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter()


def test_every_sentence_is_cited_and_every_quote_is_real(segmenter: Segmenter) -> None:
    answer = compose_answer("tiến độ KCN Hải Long?", HITS, segmenter)
    assert not answer.abstained
    lines = answer.text.splitlines()
    assert len(lines) == len(answer.citations) >= 2
    by_chunk = {h.chunk.chunk_id: h.chunk.text for h in HITS}
    for line, citation in zip(lines, answer.citations, strict=True):
        assert line.endswith(f"[{citation.n}]")
        assert citation.quote in by_chunk[citation.chunk_id]
        assert citation.quote in line
    assert all("Lúa Xuân" not in c.quote for c in answer.citations)


def test_documents_are_ordered_by_date_and_latest_marked(segmenter: Segmenter) -> None:
    answer = compose_answer("tiến độ KCN Hải Long?", HITS, segmenter)
    dates = [c.doc_date for c in answer.citations]
    assert dates == sorted(dates)
    assert [c.latest for c in answer.citations] == [False, True]
    assert "mới nhất" in answer.text.splitlines()[-1]


def test_weak_evidence_abstains_but_keeps_passages(segmenter: Segmenter) -> None:
    answer = compose_answer("số ca mắc sốt xuất huyết ở Nam Định", HITS, segmenter)
    assert answer.abstained
    assert answer.text == ABSTAIN_TEXT
    assert answer.citations == ()
    assert len(answer.hits) == 2


def test_no_passages_abstains(segmenter: Segmenter) -> None:
    assert compose_answer("tiến độ KCN Hải Long", [], segmenter).abstained


def test_number_questions_prefer_sentences_with_numbers_and_units(segmenter: Segmenter) -> None:
    hits = [
        _hit(
            1,
            "x",
            "2023-09",
            "GRDP tăng trưởng khá so với cùng kỳ năm trước. "
            "GRDP ước đạt 47.411 tỷ đồng, tăng 7,72%.",
        ),
    ]
    answer = compose_answer("GRDP tăng bao nhiêu?", hits, segmenter)
    assert "7,72%" in answer.citations[0].quote
