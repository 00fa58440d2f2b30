"""Query → ranked passages: BM25, dense, or both fused; filters; near-duplicates collapsed."""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.config import MAX_QUERY_CHARS, Settings
from qa.dates import date_span, in_period
from qa.dense import DenseIndex
from qa.diacritics import DiacriticRestorer
from qa.document import PIPELINE_VERSION
from qa.embed import Embedder, load_embedder
from qa.errors import IndexStale, QueryError
from qa.failures import corpus_name, file_fingerprint, unchanged_failures
from qa.fusion import reciprocal_rank_fusion, weighted_fusion
from qa.index import catalog_hash
from qa.ingest import CATALOG_NAME, corpus_files
from qa.lexical import LexicalIndex
from qa.models import Chunk, DocumentMeta, Hit
from qa.normalize import fold_diacritics
from qa.query_limits import LimitedQuery, limit_query
from qa.segment import (
    CORPUS_ABBREVIATIONS,
    Lexicon,
    Segmenter,
    has_diacritics,
)
from qa.store import chunk_from_row, document_meta, read_jsonl, read_manifest

log = logging.getLogger(__name__)
MODES = ("bm25", "dense", "hybrid")
FOLDED_WEIGHT = 0.3  # folded terms still count for accented queries (OCR text lost diacritics)


@dataclass(frozen=True)
class Filters:
    """Restrict a search to documents, kinds and a date range (ISO dates or prefixes)."""

    doc_ids: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    after: str | None = None
    before: str | None = None


def clean_query(query: str) -> str:
    """Strip control characters and check length; empty or huge queries are errors."""
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in query)
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    if not re.search(r"\w", text):
        raise QueryError('empty query: type a question, e.g. "tiến độ KCN Hải Long?"')
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long ({len(text)} characters; at most {MAX_QUERY_CHARS})")
    return text


class Searcher:
    """A loaded index: load once, search many times."""

    def __init__(
        self, index_dir: Path, embedder: Embedder | None = None, settings: Settings | None = None
    ) -> None:
        self.index_dir = index_dir
        self.manifest = read_manifest(index_dir)
        self.settings = settings or Settings()  # query time; the build's are in the manifest
        self._embedder = embedder
        if embedder is not None and embedder.id != self.manifest["embedder"]["id"]:
            raise IndexStale(
                f"index at {index_dir} was built with embedder "
                f"{self.manifest['embedder']['id']!r}, not {embedder.id!r}; "
                f"rebuild: qa index --index {index_dir} --embedder {embedder.id}"
            )
        try:
            doc_rows = read_jsonl(index_dir / "documents.jsonl")
            self.chunks: list[Chunk] = [
                chunk_from_row(r) for r in read_jsonl(index_dir / "chunks.jsonl")
            ]
            self.lexical = LexicalIndex.load(index_dir / "bm25", len(self.chunks))
            self.folded = LexicalIndex.load(index_dir / "bm25_folded", len(self.chunks))
            self.dense = DenseIndex.load(index_dir / "dense.faiss")
            restorer = json.loads((index_dir / "restorer.json").read_text(encoding="utf-8"))
            lexicon = json.loads((index_dir / "lexicon.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            raise IndexStale(
                f"index at {index_dir} is incomplete ({exc}); rebuild: qa index --index {index_dir}"
            ) from exc
        self.docs: dict[str, DocumentMeta] = {
            r["meta"]["doc_id"]: document_meta(r) for r in doc_rows
        }
        self._doc_texts: dict[str, str] | None = None  # loaded on first use: a server needn't
        self.restorer = DiacriticRestorer.from_json(restorer)
        self.segmenter = Segmenter(Lexicon.from_json(lexicon))
        self._doc_of_row = np.array([c.doc_id for c in self.chunks])

    @property
    def doc_texts(self) -> dict[str, str]:
        """Normalised document texts (what chunk spans point into), for context views."""
        if self._doc_texts is None:
            rows = read_jsonl(self.index_dir / "documents.jsonl")
            self._doc_texts = {r["meta"]["doc_id"]: r["text"] for r in rows}
        return self._doc_texts

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = load_embedder(self.manifest["embedder"]["id"])
        return self._embedder

    def check_corpus(self, corpus: Path) -> None:
        """IndexStale when the corpus folder no longer matches what was indexed."""
        if not corpus.is_dir():
            return
        indexed = {k: v["fingerprint"] for k, v in self.manifest["documents"].items()}
        failed = unchanged_failures(self.manifest, corpus)  # left out at build, still the same
        current = {
            p.stem: f"{file_fingerprint(p)}-{PIPELINE_VERSION}"
            for p in corpus_files(corpus)
            if corpus_name(p, corpus) not in failed
        }
        changed = sorted(
            k for k in current.keys() | indexed.keys() if current.get(k) != indexed.get(k)
        )
        if catalog_hash(corpus) != self.manifest.get("catalog", ""):
            changed.append(CATALOG_NAME)
        if Lexicon.for_corpus(corpus).fingerprint != self.manifest.get("lexicon"):
            changed.append(CORPUS_ABBREVIATIONS)
        if changed:
            raise IndexStale(
                f"index at {self.index_dir} is stale: {len(changed)} changed "
                f"({', '.join(changed[:3])}{'…' if len(changed) > 3 else ''}); "
                f"update it: qa index --corpus {corpus} --index {self.index_dir}"
            )

    def matching_documents(self, filters: Filters) -> tuple[str, ...]:
        """Ids of the documents passing the filters; unknown document ids are errors."""
        unknown = [d for d in filters.doc_ids if d not in self.docs]
        if unknown:
            raise QueryError(f"unknown document id {unknown[0]!r}; see: qa corpus list")
        for bound in (filters.after, filters.before):
            if bound is not None and date_span(bound) is None:
                raise QueryError(f"dates must be ISO like 2023-09 or 2023-09-30, got {bound!r}")
        wanted_kinds = {k.casefold() for k in filters.kinds}
        return tuple(
            doc_id
            for doc_id, meta in sorted(self.docs.items())
            if (not filters.doc_ids or doc_id in filters.doc_ids)
            and (not wanted_kinds or meta.kind.casefold() in wanted_kinds)
            and in_period(meta.date, filters.after, filters.before)
        )

    def allowed_rows(self, filters: Filters) -> np.ndarray | None:
        """Row ids passing the filters (None = all rows)."""
        if filters == Filters():
            return None
        keep = self.matching_documents(filters)
        return np.flatnonzero(np.isin(self._doc_of_row, list(keep)))

    def bm25_ranking(
        self, query: str, allowed: np.ndarray | None, limit: int
    ) -> list[tuple[int, float]]:
        folded = self.folded.scores(self.segmenter.folded_terms(query))
        if has_diacritics(query):
            scores = self.lexical.scores(self.segmenter.terms(query)) + FOLDED_WEIGHT * folded
        else:
            scores = folded
        if allowed is not None:
            mask = np.zeros(len(scores), dtype=bool)
            mask[allowed] = True
            scores = np.where(mask, scores, 0.0)
        top = top_rows(scores, limit)
        return [(int(r), float(scores[r])) for r in top if scores[r] > 0]

    def dense_query(self, query: str) -> str:
        """Restore diacritics on a query typed without them, expand abbreviations."""
        if not has_diacritics(query) and fold_diacritics(query) == query:
            query = self.restorer.restore(query)
        return self.segmenter.expand_abbreviations(query)

    def dense_ranking(
        self, query: str, allowed: np.ndarray | None, limit: int
    ) -> list[tuple[int, float]]:
        vector = self.embedder.embed_queries([self.dense_query(query)])[0]
        return self.dense.search(vector, limit, allowed)

    def prepare_query(self, query: str) -> LimitedQuery:
        """The cleaned query, cut to its key words when long; the faces show the notice."""
        limit, stopwords = self.settings.query_max_words, self.segmenter.lexicon.stopwords
        return limit_query(clean_query(query), limit, stopwords)

    def search(
        self, query: str, k: int = 10, mode: str = "hybrid", filters: Filters | None = None
    ) -> list[Hit]:
        """The `k` best passages for `query`."""
        query = self.prepare_query(query).text
        if mode not in MODES:
            raise QueryError(f"unknown mode {mode!r}; use one of: {', '.join(MODES)}")
        if k < 1:
            raise QueryError("k must be at least 1")
        allowed = self.allowed_rows(filters or Filters())
        limit = max(self.settings.candidates, 3 * k)
        rankings = []
        if mode in ("bm25", "hybrid"):
            rankings.append(self.bm25_ranking(query, allowed, limit))
        if mode in ("dense", "hybrid"):
            rankings.append(self.dense_ranking(query, allowed, limit))
        weights = (1 - self.settings.dense_weight, self.settings.dense_weight)
        if len(rankings) == 1:
            fused = rankings[0]
        elif self.settings.fusion == "weighted":
            fused = weighted_fusion(rankings, weights)
        else:
            fused = reciprocal_rank_fusion(rankings, self.settings.rrf_k, weights)
        return self._hits(query, self._collapse(fused), k)

    def _collapse(self, ranking: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """Drop a passage that mostly overlaps a better-ranked one of the same document."""
        kept: list[tuple[int, float]] = []
        for row, score in ranking:
            chunk = self.chunks[row]
            if not any(_overlap(chunk, self.chunks[other]) > 0.5 for other, _ in kept):
                kept.append((row, score))
        return kept

    def _hits(self, query: str, ranking: list[tuple[int, float]], k: int) -> list[Hit]:
        words = query_words(query, self.segmenter)
        hits = []
        for rank, (row, score) in enumerate(ranking[:k], start=1):
            chunk = self.chunks[row]
            folded = fold_diacritics(chunk.text).lower()
            terms = tuple(w for w in words if fold_diacritics(w).lower() in folded)
            hits.append(Hit(rank, score, chunk, self.docs[chunk.doc_id], terms))
        return hits


def top_rows(scores: np.ndarray, limit: int) -> np.ndarray:
    """Rows of the `limit` best scores, best first, ties by row: a partial sort, since a
    full argsort of 100,000 scores costs more than scoring them."""
    limit = min(limit, len(scores))
    if limit <= 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, limit - 1)[:limit]
    return part[np.lexsort((part, -scores[part]))]


def _overlap(a: Chunk, b: Chunk) -> float:
    if a.doc_id != b.doc_id:
        return 0.0
    shared = min(a.end, b.end) - max(a.start, b.start)
    return max(0, shared) / max(1, min(a.end - a.start, b.end - b.start))


def query_words(query: str, segmenter: Segmenter) -> tuple[str, ...]:
    """Surface forms to highlight: the query's words and multi-word terms, plus long forms
    of its abbreviations (`KCN` → also `khu công nghiệp`)."""
    words = {w.replace("_", " ") for w in segmenter.terms(query)}
    for abbr, longs in segmenter.lexicon.abbreviations.items():
        if abbr.lower() in words:
            words.update(longs)
    return tuple(sorted((w for w in words if len(w) > 1), key=len, reverse=True))
