"""Tests for qa/index/chunk.py: provenance, sizes and footnote links of the seed corpus's chunks."""

from __future__ import annotations

import itertools

import pytest
from seed_corpus import OCR_REPORT, REPORT_9_MONTHS, parsed_seed_corpus

from qa.config import Settings
from qa.index.chunk import chunk_document, chunk_documents, sentence_spans
from qa.ingest.structure import SECTION_SEPARATOR, format_section
from qa.models import Chunk, ParsedDocument

SMALL = Settings(chunk_min_words=20, chunk_max_words=60, chunk_overlap_words=15)


@pytest.fixture(scope="module")
def docs() -> dict[str, ParsedDocument]:
    return parsed_seed_corpus()


@pytest.fixture(scope="module", params=[Settings(), SMALL], ids=["default", "small"])
def chunked(
    request: pytest.FixtureRequest, docs: dict[str, ParsedDocument]
) -> tuple[Settings, dict[str, list[Chunk]]]:
    settings: Settings = request.param
    return settings, {doc_id: chunk_document(doc, settings) for doc_id, doc in docs.items()}


def _top_section(chunk: Chunk) -> str:
    return chunk.section.split(SECTION_SEPARATOR)[0]


def test_every_chunk_points_into_its_document(
    docs: dict[str, ParsedDocument], chunked: tuple[Settings, dict[str, list[Chunk]]]
) -> None:
    _, chunks = chunked
    for doc_id, doc in docs.items():
        assert chunks[doc_id], doc_id
        for chunk in chunks[doc_id]:
            assert chunk.doc_id == doc_id
            assert doc.text[chunk.start : chunk.end] == chunk.text
            assert chunk.text == chunk.text.strip() and chunk.text
            assert chunk.chunk_id == f"{doc_id}:{chunk.start}"
        ids = [c.chunk_id for c in chunks[doc_id]]
        assert len(ids) == len(set(ids))


def test_chunk_sizes_stay_within_the_limit(
    chunked: tuple[Settings, dict[str, list[Chunk]]],
) -> None:
    # Over-long sentences are cut (at `;`/`,`, else by words) before packing, so no chunk,
    # not even a single-sentence one, exceeds `chunk_max_words`.
    settings, chunks = chunked
    sizes = [len(c.text.split()) for doc_chunks in chunks.values() for c in doc_chunks]
    assert max(sizes) <= settings.chunk_max_words
    body_sizes = [len(c.text.split()) for cs in chunks.values() for c in cs if c.footnote is None]
    assert sum(body_sizes) / len(body_sizes) >= settings.chunk_min_words / 2


def test_no_chunk_crosses_a_top_level_section(
    docs: dict[str, ParsedDocument], chunked: tuple[Settings, dict[str, list[Chunk]]]
) -> None:
    _, chunks = chunked
    for doc_id, doc in docs.items():
        for chunk in chunks[doc_id]:
            inside = [
                p
                for p in doc.paragraphs
                if p.start < chunk.end and chunk.start < p.end and p.role != "heading"
            ]
            assert inside, chunk.chunk_id
            tops = {p.section[:1] for p in inside}
            assert len(tops) == 1, (chunk.chunk_id, tops)
            assert chunk.section == format_section(inside[0].section)


def test_every_sentence_of_a_chunk_knows_its_own_section(
    docs: dict[str, ParsedDocument], chunked: tuple[Settings, dict[str, list[Chunk]]]
) -> None:
    """A short section is packed with the next; the next one's sentences are not cited
    under the first's heading (`a) Các chỉ tiêu về kinh tế`, not `I. MỤC TIÊU TỔNG QUÁT`)."""
    _, chunks = chunked
    inner = 0
    for doc_id, doc in docs.items():
        body = [p for p in doc.paragraphs if p.role == "body"]
        for chunk in (c for c in chunks[doc_id] if c.footnote is None):
            inner += len(chunk.sections)
            for paragraph in body:
                if chunk.start <= paragraph.start < chunk.end:
                    offset = paragraph.start - chunk.start
                    assert chunk.section_at(offset) == format_section(paragraph.section)
    assert inner  # the seed corpus has short sections packed with the next


def test_footnotes_of_the_report_are_chunks_of_their_own(
    docs: dict[str, ParsedDocument], chunked: tuple[Settings, dict[str, list[Chunk]]]
) -> None:
    _, chunks = chunked
    report = docs[REPORT_9_MONTHS]
    by_note: dict[int, list[Chunk]] = {}
    for chunk in chunks[REPORT_9_MONTHS]:
        if chunk.footnote is not None:
            by_note.setdefault(chunk.footnote, []).append(chunk)
    numbers = [f.number for f in report.footnotes]
    assert sorted(by_note) == numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) >= 60
    for note in report.footnotes:
        pieces = by_note[note.number]
        assert all(note.start <= c.start and c.end <= note.end for c in pieces)
        assert pieces[0].start == note.start and pieces[-1].end == note.end
        assert all(c.section.endswith(f"Chú thích {note.number}") for c in pieces)
        assert all(c.footnotes == () for c in pieces)


def test_footnote_text_is_searchable_in_its_chunk(
    chunked: tuple[Settings, dict[str, list[Chunk]]],
) -> None:
    _, chunks = chunked
    note_text = {
        n: " ".join(c.text for c in chunks[REPORT_9_MONTHS] if c.footnote == n) for n in (27, 61)
    }
    assert "chỉ đạo đẩy nhanh tiến độ triển khai KCN Hải Long" in note_text[27]
    assert "Quyết định số 1004/QĐ-TTg" in note_text[27]
    assert "GRDP tăng 7,72%/ kế hoạch 11%" in note_text[61]
    body = " ".join(c.text for c in chunks[REPORT_9_MONTHS] if c.footnote is None)
    assert "1004/QĐ-TTg" not in body


def test_body_chunks_list_the_markers_they_contain(
    docs: dict[str, ParsedDocument], chunked: tuple[Settings, dict[str, list[Chunk]]]
) -> None:
    _, chunks = chunked
    for doc_id in (REPORT_9_MONTHS, OCR_REPORT):
        doc = docs[doc_id]
        covered: set[int] = set()
        for chunk in chunks[doc_id]:
            if chunk.footnote is not None:
                continue
            expected = tuple(
                f.number
                for f in doc.footnotes
                if f.marker is not None and chunk.start <= f.marker < chunk.end
            )
            assert chunk.footnotes == expected, chunk.chunk_id
            covered.update(chunk.footnotes)
        assert covered == {f.number for f in doc.footnotes}, doc_id
    grdp = next(c for c in chunks[REPORT_9_MONTHS] if "ước đạt 47.411 tỷ đồng" in c.text)
    assert 1 in grdp.footnotes and "năm 2022¹." in grdp.text


def test_overlap_repeats_whole_sentences_only() -> None:
    doc = parsed_seed_corpus()[REPORT_9_MONTHS]
    chunks = [c for c in chunk_document(doc, SMALL) if c.footnote is None]
    overlapping = [(a, b) for a, b in itertools.pairwise(chunks) if b.start < a.end]
    assert overlapping  # the small settings force overlaps
    for a, b in overlapping:
        repeated = doc.text[b.start : a.end]
        assert len(repeated.split()) <= SMALL.chunk_overlap_words
        assert a.section == b.section


def test_chunk_documents_keeps_document_order(docs: dict[str, ParsedDocument]) -> None:
    chunks = chunk_documents(docs.values())
    order = [c.doc_id for c in chunks]
    assert order == sorted(order)
    assert set(order) == set(docs)


def test_sentence_spans_on_a_real_paragraph() -> None:
    text = (
        "Tổng sản phẩm trên địa bàn tỉnh (GRDP theo giá so sánh năm 2010) ước đạt 47.411 tỷ "
        "đồng, đạt 67,8% kế hoạch và tăng 7,72% so với cùng kỳ năm 2022¹. Tổng giá trị sản "
        "xuất ước đạt 141.336 tỷ đồng, tăng 7% so với cùng kỳ năm 2022."
    )
    spans = sentence_spans(text, offset=100)
    assert len(spans) == 2
    assert [text[s - 100 : e - 100] for s, e in spans] == [
        text[: text.index("¹.") + 2],
        "Tổng giá trị sản xuất ước đạt 141.336 tỷ đồng, tăng 7% so với cùng kỳ năm 2022.",
    ]


def test_a_capital_after_an_ellipsis_starts_a_sentence() -> None:
    text = (
        "Đồng diễn Yoga hưởng ứng Ngày Quốc tế Yoga (21/6)… Tổ chức tập huấn cho các vận "
        "động viên. Các tuyến (CT.08…) đang làm… và sắp xong."
    )
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Đồng diễn Yoga hưởng ứng Ngày Quốc tế Yoga (21/6)…",
        "Tổ chức tập huấn cho các vận động viên.",
        "Các tuyến (CT.08…) đang làm… và sắp xong.",  # a lower-case word goes on
    ]


def test_over_long_sentence_is_cut_at_clause_breaks() -> None:
    clause = "thu hoạch 91% diện tích cây vụ Đông, trồng được 4.260 ha cây màu Xuân"
    text = "; ".join([clause] * 12) + "."  # one sentence of about 170 words
    spans = sentence_spans(text, max_words=40)
    assert len(spans) > 1
    assert all(len(text[s:e].split()) <= 40 for s, e in spans)
    assert all(text[:e].endswith((";", ",", ".")) for s, e in spans)
    words = " ".join(text[s:e] for s, e in spans).replace(";", "").split()
    assert len(words) == len(text.replace(";", "").split())
