"""Sentence and clause vectors: a question meets the one sentence that answers it inside a
passage, and the clauses of that sentence that say what it asks.

A 200-word passage vector averages many topics; `GRDP … ước đạt 47.411 tỷ đồng` may be one
of ten sentences. Every chunk's sentences are embedded at index time (with the chunk's
section path, which names their topic) and stored row by row with the chunk row and the
character span they cover. A passage's dense score then fuses its own similarity with the
best similarity among its sentences (`Settings.sentence_weight`).

A report's sentence, in turn, chains several figures (`nuôi trồng 13,1 nghìn tấn, tăng 2,4%
và khai thác 8,8 nghìn tấn`); its clauses (`qa.answer.clauses.passage_clauses`) are embedded
bare, so the composer can prefer the clause window whose summed clause vectors are closest
to the question (`mấy tấn cá tôm nuôi`) when the words alone do not decide.

Spans repeated across overlapping chunks are embedded once: vectors are reused by content
hash, within a build and from the previous index, like chunk vectors.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from qa.answer.clauses import passage_clauses
from qa.index.chunk import sentence_spans
from qa.index.dense import DenseIndex
from qa.index.embed import Embedder
from qa.index.store import (
    CLAUSE_FILES,
    SENTENCE_FILES,
    SENTENCE_INDEX,
    load_spans,
)
from qa.models import Chunk, ClauseMeanings, SentenceMatch

log = logging.getLogger(__name__)
MIN_SENTENCE_WORDS = 3  # `Năm 2023.` or a bare heading number says nothing on its own


def sentence_input(chunk: Chunk, start: int, end: int) -> str:
    """What the embedder sees for one sentence: its section path, then the sentence."""
    sentence, section = chunk.text[start:end], chunk.section_at(start)
    return f"{section}\n{sentence}" if section else sentence


def clause_input(chunk: Chunk, start: int, end: int) -> str:
    """What the embedder sees for one clause: the clause alone (its words are the point)."""
    return chunk.text[start:end]


def span_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def chunk_sentence_rows(chunks: Sequence[Chunk]) -> np.ndarray:
    """(chunk row, start, end) of every sentence worth embedding, in chunk order (int32)."""
    rows = [
        (row, start, end)
        for row, chunk in enumerate(chunks)
        for start, end in sentence_spans(chunk.text)
        if len(chunk.text[start:end].split()) >= MIN_SENTENCE_WORDS
    ]
    return np.asarray(rows, dtype=np.int32).reshape(-1, 3)


def chunk_clause_rows(chunks: Sequence[Chunk]) -> np.ndarray:
    """(chunk row, start, end) of every clause of every sentence, in chunk order (int32)."""
    rows = [
        (row, start, end)
        for row, chunk in enumerate(chunks)
        for start, end in passage_clauses(chunk.text)
    ]
    return np.asarray(rows, dtype=np.int32).reshape(-1, 3)


@dataclass(frozen=True)
class SpanKind:
    """Which spans of a chunk are embedded (sentences or clauses), what the embedder sees for
    one, and the files they are stored in."""

    name: str
    rows: Callable[[Sequence[Chunk]], np.ndarray]
    input: Callable[[Chunk, int, int], str]
    files: tuple[str, str]


SENTENCES = SpanKind("sentences", chunk_sentence_rows, sentence_input, SENTENCE_FILES)
CLAUSES = SpanKind("clauses", chunk_clause_rows, clause_input, CLAUSE_FILES)


def previous_span_vectors(
    index_dir: Path, chunks: Sequence[Chunk], kind: SpanKind = SENTENCES
) -> dict[str, np.ndarray]:
    """Vectors of the previous index's spans by input hash, whatever its format; `chunks`:
    that index's chunks, read once by the build (none under another embedder, or when there
    is no readable previous index: nothing to reuse)."""
    if not chunks:
        return {}
    try:
        spans, vectors = load_spans(index_dir, files=kind.files)
    except (OSError, ValueError):
        return {}
    cache: dict[str, np.ndarray] = {}
    for (row, start, end), vector in zip(spans.tolist(), vectors, strict=True):
        if row < len(chunks):
            cache[span_hash(kind.input(chunks[row], start, end))] = vector
    return cache


@dataclass(frozen=True)
class EmbeddedSpans:
    spans: np.ndarray  # (n, 3) int32: chunk row, start, end
    vectors: np.ndarray  # (n, dim) float32, L2-normalised
    embedded: int  # spans that had to be embedded (not reused)


def embed_spans(
    chunks: Sequence[Chunk],
    model: Embedder,
    cache: dict[str, np.ndarray],
    batch: int,
    kind: SpanKind = SENTENCES,
    progress: bool = True,
    on_batch: Callable[[float], None] | None = None,
) -> EmbeddedSpans:
    """Embed every span of `kind` in `chunks` not in `cache` (hash → vector); reuse the rest."""
    spans = kind.rows(chunks)
    inputs = [kind.input(chunks[r], s, e) for r, s, e in spans.tolist()]
    hashes = [span_hash(text) for text in inputs]
    by_hash = dict(zip(hashes, inputs, strict=True))
    missing = sorted(h for h in by_hash if h not in cache)
    starts = range(0, len(missing), batch)
    for done, first in enumerate(tqdm(starts, desc=kind.name, disable=not progress)):
        keys = missing[first : first + batch]
        for key, vector in zip(keys, model.embed_passages([by_hash[k] for k in keys]), strict=True):
            cache[key] = vector
        if on_batch is not None:
            on_batch((done + 1) / max(1, len(starts)))
    dim = int(model.dim)
    vectors = (
        np.stack([cache[h] for h in hashes]).astype(np.float32)
        if hashes
        else np.zeros((0, dim), np.float32)
    )
    return EmbeddedSpans(spans, vectors, len(missing))


class SentenceIndex:
    """Sentence vectors of a loaded index, searchable, grouped by chunk row.

    A local file of the index folder whatever the search backend: it is read by chunk row
    (`chunk_docs[row]` is the document of chunk row `row`, as in chunks.jsonl), and filters
    reach it as the set of admitted document ids.
    """

    def __init__(
        self,
        spans: np.ndarray,
        vectors: np.ndarray,
        dense: DenseIndex | None,
        chunk_docs: Sequence[str],
    ) -> None:
        self.spans = spans
        self.vectors = vectors
        self._dense = dense
        self._chunk_docs = np.asarray(chunk_docs)
        rows = spans[:, 0] if len(spans) else np.zeros(0, np.int32)
        self._first = np.searchsorted(rows, np.arange(len(chunk_docs) + 1), side="left")

    @classmethod
    def load(cls, folder: Path, chunk_docs: Sequence[str]) -> SentenceIndex:
        """Spans, vectors (memory-mapped) and their FAISS index; an index without sentences
        (none had three words) loads empty."""
        spans, vectors = load_spans(folder, mmap=True)
        dense = DenseIndex.load(folder / SENTENCE_INDEX) if len(spans) else None
        return cls(spans, vectors, dense, chunk_docs)

    @classmethod
    def load_clauses(cls, folder: Path, chunk_docs: Sequence[str]) -> SentenceIndex:
        """The clause spans and vectors (memory-mapped), read by chunk row only."""
        spans, vectors = load_spans(folder, mmap=True, files=CLAUSE_FILES)
        return cls(spans, vectors, None, chunk_docs)

    def rows_of(self, chunk_rows: np.ndarray) -> np.ndarray:
        """Sentence rows belonging to the given chunk rows."""
        parts = [np.arange(self._first[r], self._first[r + 1]) for r in chunk_rows]
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)

    def best(self, query: np.ndarray, chunk_row: int) -> SentenceMatch | None:
        """The chunk's sentence most similar to the query vector (None: no sentence)."""
        return max(self.matches(query, chunk_row), key=lambda m: m.score, default=None)

    def matches(self, query: np.ndarray, chunk_row: int) -> tuple[SentenceMatch, ...]:
        """Every embedded sentence of the chunk with its cosine to the query vector, in text
        order: the answer composer weighs `số bác sĩ/vạn dân đạt 13,5` against its neighbours
        for `mấy thầy thuốc` with them (one dot product per sentence, no embedding)."""
        first, last = int(self._first[chunk_row]), int(self._first[chunk_row + 1])
        sims = self.vectors[first:last] @ query
        return tuple(
            SentenceMatch(start, end, float(sim))
            for (_, start, end), sim in zip(self.spans[first:last].tolist(), sims, strict=True)
        )

    def meanings(self, query: np.ndarray, chunk_row: int) -> ClauseMeanings:
        """The chunk's spans with their cosines to the query vector and their vectors' dot
        products with each other (what a run of clauses means, without its vectors)."""
        first, last = int(self._first[chunk_row]), int(self._first[chunk_row + 1])
        vectors = np.asarray(self.vectors[first:last], dtype=np.float32)
        spans = tuple((int(a), int(b)) for _, a, b in self.spans[first:last].tolist())
        return ClauseMeanings(spans, vectors @ query, vectors @ vectors.T)

    def search(
        self, query: np.ndarray, limit: int, documents: Collection[str] | None = None
    ) -> dict[int, float]:
        """Best sentence similarity per chunk row, over the `limit` nearest sentences of the
        given documents (None: all)."""
        if self._dense is None:
            return {}
        allowed = None
        if documents is not None:
            chunk_rows = np.flatnonzero(np.isin(self._chunk_docs, list(documents)))
            allowed = self.rows_of(chunk_rows)
        found: dict[int, float] = {}
        for row, score in self._dense.search(query, limit, allowed):
            chunk = int(self.spans[row, 0])
            found[chunk] = max(score, found.get(chunk, -1.0))
        return found
