"""Sentence and clause vectors: spans inside their chunks, reuse by content hash, best sentence
found, a run of clauses weighed by its summed vector."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from helpers import CountingEmbedder

from qa.answer.clauses import split_clauses
from qa.index.sentences import (
    CLAUSES,
    SentenceIndex,
    chunk_clause_rows,
    chunk_sentence_rows,
    embed_spans,
)
from qa.index.store import CLAUSE_FILES, save_spans, write_sentence_files
from qa.models import Chunk

TEXT = (
    "Tổng sản phẩm trên địa bàn tỉnh ước đạt 47.411 tỷ đồng, tăng 7,72% so với cùng kỳ. "
    "Thu ngân sách nhà nước ước đạt 5.712 tỷ đồng. Năm 2023.\n\n"
    "Khu công nghiệp Hải Long đã khởi công xây dựng hạ tầng."
)
CHUNKS = [
    Chunk("a:0", "a", TEXT, 0, len(TEXT), "I. Kinh tế"),
    Chunk("b:0", "b", "Sản lượng lúa cả năm đạt 1,04 triệu tấn.", 0, 41, ""),
]


def test_sentence_rows_are_spans_of_their_chunk_in_chunk_order() -> None:
    rows = chunk_sentence_rows(CHUNKS)
    assert rows.dtype == np.int32 and list(rows[:, 0]) == sorted(rows[:, 0])
    texts = [CHUNKS[r].text[s:e] for r, s, e in rows.tolist()]
    assert texts[0].startswith("Tổng sản phẩm") and texts[0].endswith("cùng kỳ.")
    assert "Năm 2023." not in texts  # too short to say anything alone
    assert texts[-1] == CHUNKS[1].text


def test_sentences_are_embedded_once_and_reused_by_hash(tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    cache: dict[str, np.ndarray] = {}
    first = embed_spans(CHUNKS, embedder, cache, batch=2, progress=False)
    assert first.embedded == embedder.passages_embedded == len(first.spans) == 4
    again = embed_spans(CHUNKS + CHUNKS[:1], embedder, cache, batch=2, progress=False)
    assert again.embedded == 0 and len(again.spans) == 7
    assert np.allclose(again.vectors[:4], first.vectors)


def _indexed(tmp_path: Path) -> tuple[CountingEmbedder, SentenceIndex]:
    """The sentence files of CHUNKS written to `tmp_path` and loaded back."""
    embedder = CountingEmbedder()
    built = embed_spans(CHUNKS, embedder, {}, batch=8, progress=False)
    write_sentence_files(tmp_path, built.spans, built.vectors, hnsw_above=1000)
    return embedder, SentenceIndex.load(tmp_path, [c.doc_id for c in CHUNKS])


def test_the_best_sentence_is_the_one_that_answers(tmp_path: Path) -> None:
    embedder, index = _indexed(tmp_path)
    query = embedder.embed_queries(["thu ngân sách nhà nước ước đạt bao nhiêu"])[0]
    match = index.best(query, 0)
    assert match is not None
    assert TEXT[match.start : match.end].startswith("Thu ngân sách nhà nước")
    found = index.search(query, limit=10)
    assert set(found) == {0, 1} and found[0] == max(found.values())
    assert set(index.search(query, limit=10, documents={"b"})) == {1}
    assert index.search(query, limit=10, documents=set()) == {}


def test_every_sentence_of_a_chunk_gets_its_cosine(tmp_path: Path) -> None:
    embedder, index = _indexed(tmp_path)
    query = embedder.embed_queries(["khu công nghiệp Hải Long đã khởi công chưa"])[0]
    matches = index.matches(query, 0)
    assert [TEXT[m.start : m.end][:14] for m in matches] == [
        "Tổng sản phẩm ", "Thu ngân sách ", "Khu công nghiệ",
    ]  # fmt: skip
    assert max(matches, key=lambda m: m.score) == index.best(query, 0)
    assert matches[2].score > matches[0].score


def test_clause_rows_are_the_clauses_the_composer_cuts() -> None:
    rows = chunk_clause_rows(CHUNKS)
    texts = [CHUNKS[r].text[s:e] for r, s, e in rows.tolist()]
    sentence = TEXT[: TEXT.index("cùng kỳ.") + len("cùng kỳ.")]
    assert texts[:2] == [sentence[a:b] for a, b in split_clauses(sentence)]
    assert texts[:2] == [
        "Tổng sản phẩm trên địa bàn tỉnh ước đạt 47.411 tỷ đồng",
        "tăng 7,72% so với cùng kỳ",
    ]
    assert "Năm 2023" in texts  # every clause, however short: windows are built from them
    assert list(rows[:, 0]) == sorted(rows[:, 0])


def test_clause_meanings_weigh_a_run_of_clauses_by_its_summed_vector(tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    built = embed_spans(CHUNKS, embedder, {}, batch=8, kind=CLAUSES, progress=False)
    assert built.embedded == embedder.passages_embedded == len(built.spans)
    save_spans(tmp_path, built.spans, built.vectors, CLAUSE_FILES, np.float16)  # as indexed
    index = SentenceIndex.load_clauses(tmp_path, [c.doc_id for c in CHUNKS])
    query = embedder.embed_queries(["thu ngân sách nhà nước"])[0]
    meanings = index.meanings(query, 0)
    rows = [meanings.row(s, e) for _, s, e in built.spans.tolist()[: len(meanings.spans)]]
    assert rows == list(range(len(meanings.spans)))
    assert meanings.row(0, 3) is None  # not a clause
    budget = next(r for r, (s, _) in enumerate(meanings.spans) if TEXT[s:].startswith("Thu"))
    vectors = built.vectors[: len(meanings.spans)]
    for first, last in ((0, 0), (0, 1), (budget, budget), (0, len(meanings.spans) - 1)):
        summed = vectors[first : last + 1].sum(axis=0)
        expected = float(summed @ query) / float(np.linalg.norm(summed))
        assert abs(meanings.cosine(first, last) - expected) < 2e-3  # half precision
    assert meanings.cosine(budget, budget) > meanings.cosine(0, 1)
