"""Search behaviour on the seed corpus (BM25 + a deterministic fake embedder)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from helpers import CountingEmbedder

from qa.config import Settings
from qa.errors import QueryError
from qa.index.build import build_index
from qa.index.segment import Segmenter
from qa.models import Chunk, DocumentMeta
from qa.search.backends.local import LocalBackend, top_rows
from qa.search.backends.protocol import ChunkTerms
from qa.search.searcher import Filters, Searcher, query_words
from qa.text.highlight import term_spans

SEED = Path(__file__).resolve().parents[1] / "corpus"

QUESTIONS = [
    ("tiến độ Khu công nghiệp Hải Long", "tien do khu cong nghiep Hai Long"),
    ("GRDP 9 tháng năm 2023", "GRDP 9 thang nam 2023"),
    ("sản lượng thủy sản", "san luong thuy san"),
    ("Quyết định số 1004/QĐ-TTg", "Quyet dinh so 1004/QD-TTg"),
    ("tỷ lệ đô thị hóa đến năm 2030", "ty le do thi hoa den nam 2030"),
    ("thu ngân sách nhà nước", "thu ngan sach nha nuoc"),
    ("Ban Quản lý Khu kinh tế cấp mới dự án", "ban quan ly khu kinh te cap moi du an"),
    ("nông thôn mới nâng cao", "nong thon moi nang cao"),
    ("cao tốc Ninh Bình - Hải Phòng", "cao toc Ninh Binh Hai Phong"),
    ("tuyển chọn lao động đi Hàn Quốc", "tuyen chon lao dong di Han Quoc"),
    ("chuyển đổi số", "chuyen doi so"),
    ("nhà máy nhiệt điện LNG", "nha may nhiet dien LNG"),
]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    index = tmp_path_factory.mktemp("retrieve") / "index"
    embedder = CountingEmbedder()
    build_index(SEED, index, embedder, progress=False)
    return Searcher(index, embedder=embedder)


def test_hai_long_footnote_and_body_passages_come_first(searcher: Searcher) -> None:
    for question in ("tiến độ KCN Hải Long?", "tien do khu cong nghiep Hai Long"):
        hits = searcher.search(question, 5, "bm25")
        texts = [h.chunk.text for h in hits]
        assert any("đẩy nhanh tiến độ triển khai KCN Hải Long" in t for t in texts), question
        assert hits[0].doc.doc_id == "000_b6ed24a3f5e55b80"
        assert any(h.chunk.footnote == 27 for h in hits), question


@pytest.mark.parametrize(("accented", "folded"), QUESTIONS)
def test_folded_queries_find_the_same_top_passages(
    searcher: Searcher, accented: str, folded: str
) -> None:
    top_accented = [h.chunk.chunk_id for h in searcher.search(accented, 5, "bm25")]
    top_folded = [h.chunk.chunk_id for h in searcher.search(folded, 5, "bm25")]
    assert top_folded[0] in top_accented[:3]


def test_filters_narrow_results(searcher: Searcher) -> None:
    only = searcher.search(
        "phát triển kinh tế", 10, "hybrid", Filters(doc_ids=("004_75266ca73367f016",))
    )
    assert only and {h.doc.doc_id for h in only} == {"004_75266ca73367f016"}
    kinds = searcher.search("phát triển kinh tế", 10, "bm25", Filters(kinds=("nghị quyết",)))
    assert {h.doc.kind for h in kinds} == {"nghị quyết"}
    dated = searcher.search("phát triển kinh tế", 20, "dense", Filters(after="2024-01"))
    assert dated and all((h.doc.date or "") >= "2024-01" for h in dated)
    with pytest.raises(QueryError, match="unknown document"):
        searcher.search("kinh tế", 5, "bm25", Filters(doc_ids=("nope",)))


def test_a_document_is_named_by_a_unique_start_of_its_id(searcher: Searcher) -> None:
    """`004` for `004_75266ca73367f016`: ids are a stem and a hash, too long to type."""
    hits = searcher.search("phát triển kinh tế", 10, "hybrid", Filters(doc_ids=("004",)))
    assert hits and {h.doc.doc_id for h in hits} == {"004_75266ca73367f016"}
    assert searcher.matching_documents(Filters(doc_ids=("003",))) == ("003_031415255736158d",)
    with pytest.raises(QueryError, match=r"'00' matches 5 documents .*; type more of it"):
        searcher.search("kinh tế", 5, "bm25", Filters(doc_ids=("00",)))


def test_overlapping_passages_are_collapsed(searcher: Searcher) -> None:
    hits = searcher.search("xây dựng nông thôn mới", 20, "hybrid")
    for i, a in enumerate(hits):
        for b in hits[i + 1 :]:
            if a.chunk.doc_id == b.chunk.doc_id:
                shared = min(a.chunk.end, b.chunk.end) - max(a.chunk.start, b.chunk.start)
                smaller = min(a.chunk.end - a.chunk.start, b.chunk.end - b.chunk.start)
                assert shared <= 0.5 * smaller


@pytest.mark.parametrize(
    ("query", "mode", "message"),
    [
        ("", "hybrid", "empty"),
        ("   \x00\x07 ", "hybrid", "empty"),
        ("a" * 100_000, "hybrid", "too long"),
        ("tiến độ", "fuzzy", "unknown mode"),
    ],
)
def test_bad_queries_are_clear_errors(
    searcher: Searcher, query: str, mode: str, message: str
) -> None:
    with pytest.raises(QueryError, match=message):
        searcher.search(query, 5, mode)


def test_control_characters_inside_a_query_are_ignored(searcher: Searcher) -> None:
    clean = searcher.search("tiến độ KCN Hải Long", 3, "bm25")
    noisy = searcher.search("tiến độ\x00 KCN\x1b Hải Long", 3, "bm25")
    assert [h.chunk.chunk_id for h in clean] == [h.chunk.chunk_id for h in noisy]


def test_month_dated_documents_pass_a_range_starting_in_their_month(searcher: Searcher) -> None:
    hits = searcher.search("GRDP", 20, "bm25", Filters(after="2023-09-01", before="2023-09-30"))
    assert hits and {h.doc.doc_id for h in hits} == {"000_b6ed24a3f5e55b80"}
    assert searcher.matching_documents(Filters(kinds=("báo cáo",), after="2024")) == (
        "002_a6a4f491796d81bf",
    )
    with pytest.raises(QueryError, match="ISO"):
        searcher.search("GRDP", 5, "bm25", Filters(after="tháng 9"))


def test_highlighted_words_leave_out_what_frames_the_question() -> None:
    words = query_words("Thái Bình có bao nhiêu KCN, có xảy ra sự cố không?", Segmenter())
    assert {"thái bình", "kcn", "khu công nghiệp", "sự cố"} <= set(words)
    assert not {"có", "không", "bao nhiêu"} & set(words)


def test_a_question_typed_without_marks_marks_their_accented_forms() -> None:
    """The long forms of its abbreviations are added as it was typed, bare: a question typed
    with marks reads a bare word as that word (`term_spans`), one typed without them does not."""
    words = query_words("tien do kcn hai long", Segmenter())
    text = "Tiến độ Khu công nghiệp Hải Long"
    marked = [text[a:b] for a, b in term_spans(text, words)]
    assert marked == ["Tiến", "độ", "Khu công nghiệp", "Hải", "Long"]


def test_top_rows_is_a_stable_partial_sort() -> None:
    scores = np.array([0.5, 2.0, 0.0, 2.0, 1.0, 3.0], dtype=np.float32)
    assert top_rows(scores, 4).tolist() == [5, 1, 3, 4]
    assert top_rows(scores, 10).tolist() == [5, 1, 3, 4, 0, 2]
    assert top_rows(scores, 0).tolist() == []


def test_dense_hits_carry_their_closest_sentence(searcher: Searcher) -> None:
    for hit in searcher.search("thu ngân sách nhà nước ước đạt", 5, mode="hybrid"):
        assert hit.sentence is not None
        assert 0 <= hit.sentence.start < hit.sentence.end <= len(hit.chunk.text)
        assert -1.0 <= hit.sentence.score <= 1.0
    assert all(h.sentence is None for h in searcher.search("thu ngân sách", 5, mode="bm25"))


def test_clause_meanings_come_only_when_asked_for(searcher: Searcher) -> None:
    """Only the answer composer reads them; a plain search does not pay for them."""
    query = "thu ngân sách nhà nước ước đạt"
    assert all(h.clauses is None for h in searcher.search(query, 5, mode="hybrid"))
    for hit in searcher.search(query, 5, mode="hybrid", clause_meanings=True):
        assert hit.clauses is not None and len(hit.clauses.spans) == len(hit.clauses.cosines)
        assert all(0 <= a < b <= len(hit.chunk.text) for a, b in hit.clauses.spans)


def test_register_words_reach_the_documents_words(searcher: Searcher) -> None:
    """`heo` (Southern) is nowhere in the corpus; with the register it finds `lợn`."""
    plain = replace(searcher.settings, register_weight=0.0)
    expanded = replace(searcher.settings, register_weight=0.5)
    try:
        searcher.settings = plain
        without = searcher.search("heo", 3, mode="bm25")
        searcher.settings = expanded
        with_register = searcher.search("heo", 3, mode="bm25")
    finally:
        searcher.settings = Settings()
    assert not any("lợn" in h.chunk.text for h in without)
    assert any("lợn" in h.chunk.text for h in with_register)


def test_passages_the_index_folder_lacks_are_left_out(searcher: Searcher) -> None:
    """A backend ahead of its folder (a Milvus sync whose build then failed) cannot make a
    search fail: its unknown passage is dropped, the folder's own passages still come."""
    backend = LocalBackend.from_index(searcher.index_dir)
    text = "Khu công nghiệp Hải Long khu công nghiệp Hải Long đẩy nhanh tiến độ"
    terms = ChunkTerms(
        tuple(searcher.segmenter.terms(text)), tuple(searcher.segmenter.folded_terms(text))
    )
    extra = DocumentMeta("extra", "Extra", "2024-01", "báo cáo", "", "")
    chunk = Chunk("extra:0", "extra", text, 0, len(text), "")
    backend.upsert(extra, [chunk], [terms], searcher.embedder.embed_passages([text]))
    query = "tiến độ khu công nghiệp Hải Long"
    assert backend.lexical(searcher.lexical_query(query), 3)[0][0] == "extra:0"
    ahead = Searcher(searcher.index_dir, embedder=searcher.embedder, backend=backend)
    for mode in ("bm25", "dense", "hybrid"):
        hits = ahead.search(query, 5, mode)
        assert hits and all(h.chunk.doc_id != "extra" for h in hits), mode
