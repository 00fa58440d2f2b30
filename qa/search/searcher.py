"""Query → ranked passages: BM25, dense, or both fused; filters; near-duplicates collapsed."""

from __future__ import annotations

import logging
from dataclasses import replace
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from qa.answer.kinds_of_things import KindTable, bundled_kinds
from qa.config import Settings
from qa.errors import IndexStale, QueryError
from qa.index.embed import Embedder, load_embedder
from qa.index.segment import Lexicon, Segmenter
from qa.index.sentences import SentenceIndex
from qa.index.store import (
    CHUNKS,
    DOCUMENTS,
    KINDS,
    LEXICON,
    REGISTER,
    RESTORER,
    chunk_from_row,
    document_meta,
    load_vectors,
    read_json,
    read_jsonl,
    read_manifest,
)
from qa.models import Chunk, DocumentMeta, Hit, SentenceMatch
from qa.search.backends.from_index import open_backend
from qa.search.backends.protocol import (
    NO_FILTERS,
    Filters,
    LexicalQuery,
    Ranking,
    SearchBackend,
    lexical_query,
)
from qa.search.doc_ids import resolve_doc_id
from qa.search.fusion import reciprocal_rank_fusion, weighted_fusion
from qa.search.query_limits import LimitedQuery, limit_query
from qa.search.question_form import QUESTION_WORDS, clean_query
from qa.search.register import Register, RegisterExpander, expansion_text
from qa.search.truecase import CaseTable
from qa.text.dates import date_span
from qa.text.diacritics import DiacriticRestorer
from qa.text.districts import district_names
from qa.text.normalize import fold_diacritics, has_diacritics

log = logging.getLogger(__name__)
MODES = ("bm25", "dense", "hybrid")


ALTERNATIVES_KEPT = 256  # queries whose register alternatives are remembered


class Searcher:
    """A loaded index: load once, search many times.

    Passages are ranked by the index's `SearchBackend` (the manifest names it: the local
    bm25s + FAISS files, or a Milvus collection); this class does the query work (cleaning,
    diacritics, register alternatives, query vector), fuses the rankings with the local
    sentence vectors and turns chunk ids into hits.
    """

    def __init__(
        self,
        index_dir: Path,
        embedder: Embedder | None = None,
        settings: Settings | None = None,
        backend: SearchBackend | None = None,
        backend_token: str = "",
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
            doc_rows = read_jsonl(index_dir / DOCUMENTS)
            self.chunks: list[Chunk] = [chunk_from_row(r) for r in read_jsonl(index_dir / CHUNKS)]
            self.vectors = load_vectors(index_dir, mmap=True)
            chunk_docs = [c.doc_id for c in self.chunks]
            self.sentences: SentenceIndex | None = SentenceIndex.load(index_dir, chunk_docs)
            self.clauses = SentenceIndex.load_clauses(index_dir, chunk_docs)
            restorer = read_json(index_dir / RESTORER)
            lexicon = read_json(index_dir / LEXICON)
            register = read_json(index_dir / REGISTER)
            # the corpus's own kinds; an index built before corpora could add them has none
            own_kinds = read_json(index_dir / KINDS) if (index_dir / KINDS).is_file() else {}
            self.kinds = bundled_kinds().extended(KindTable.from_json(own_kinds))
            self.backend = backend or open_backend(index_dir, self.manifest, backend_token)
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RuntimeError) as exc:
            raise IndexStale(
                f"index at {index_dir} is incomplete ({exc}); rebuild: qa index --index {index_dir}"
            ) from exc
        self.docs: dict[str, DocumentMeta] = {
            r["meta"]["doc_id"]: document_meta(r) for r in doc_rows
        }
        self._doc_texts: dict[str, str] | None = None  # loaded on first use: a server needn't
        self.restorer = DiacriticRestorer.from_json(restorer)
        self.segmenter = Segmenter(Lexicon.from_json(lexicon))
        self.expander = RegisterExpander(Register.from_json(register), self.segmenter)
        self._row = {c.chunk_id: row for row, c in enumerate(self.chunks)}
        self._alternatives = lru_cache(maxsize=ALTERNATIVES_KEPT)(
            lambda query: self.expander.alternatives(self.restored(query))
        )
        self._chunks_of: dict[str, list[Chunk]] | None = None
        self._cases: CaseTable | None = None

    @property
    def doc_texts(self) -> dict[str, str]:
        """Normalised document texts (what chunk spans point into), for context views."""
        if self._doc_texts is None:
            rows = read_jsonl(self.index_dir / DOCUMENTS)
            self._doc_texts = {r["meta"]["doc_id"]: r["text"] for r in rows}
        return self._doc_texts

    @property
    def chunks_of(self) -> dict[str, list[Chunk]]:
        """Each document's passages in corpus order (built on first use)."""
        if self._chunks_of is None:
            self._chunks_of = {}
            for chunk in self.chunks:
                self._chunks_of.setdefault(chunk.doc_id, []).append(chunk)
        return self._chunks_of

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = load_embedder(self.manifest["embedder"]["id"])
        return self._embedder

    def resolved(self, filters: Filters) -> Filters:
        """`filters` with each document id as the index knows it (`002` → `002_a6a4…`,
        `qa.search.doc_ids`); an unknown or ambiguous id, or a date that is not ISO, is an
        error."""
        for bound in (filters.after, filters.before):
            if bound is not None and date_span(bound) is None:
                raise QueryError(f"dates must be ISO like 2023-09 or 2023-09-30, got {bound!r}")
        return replace(
            filters, doc_ids=tuple(resolve_doc_id(doc_id, self.docs) for doc_id in filters.doc_ids)
        )

    def matching_documents(self, filters: Filters) -> tuple[str, ...]:
        """Ids of the documents passing the filters (see `resolved`)."""
        filters = self.resolved(filters)
        return tuple(doc_id for doc_id, meta in sorted(self.docs.items()) if filters.admits(meta))

    def _rows(self, ranking: Ranking) -> list[tuple[int, float]]:
        """A backend's (chunk id, score) list as rows of `self.chunks` (ties then break by
        corpus order, as fusion expects). A passage this index folder does not hold (a
        Milvus collection synced by a build that then failed) is left out, with a warning."""
        unknown = [chunk_id for chunk_id, _ in ranking if chunk_id not in self._row]
        if unknown:
            log.warning(
                "backend returned %d passage(s) not in %s; rebuild: qa index --index %s",
                len(unknown),
                self.index_dir,
                self.index_dir,
            )
        return [(self._row[c], score) for c, score in ranking if c in self._row]

    def restored(self, query: str) -> str:
        """A query typed without any diacritics gets them back from the corpus's spelling."""
        if not has_diacritics(query) and fold_diacritics(query) == query:
            return self.restorer.restore(query)
        return query

    def alternatives(self, query: str) -> tuple[str, ...]:
        """The documents' phrasings of the query's everyday words (`bắp` → `ngô`): what the
        search adds at a lower weight and the answer composer credits. Remembered for the
        last few queries: `ask` needs them again after its search."""
        return self._alternatives(query)

    def lexical_query(self, query: str, alternatives: tuple[str, ...] = ()) -> LexicalQuery:
        """Accented terms plus folded ones (only folded ones for a query typed without
        diacritics: `hai long` must not be read as one guess of its accents), and register
        alternatives at `Settings.register_weight`."""
        lexical = lexical_query(query, self.segmenter, self.settings.folded_weight)
        if not alternatives or self.settings.register_weight <= 0:
            return lexical
        expansion = tuple(self.segmenter.terms(" ; ".join(alternatives)))
        return replace(lexical, expansion=expansion, expansion_weight=self.settings.register_weight)

    def bm25_ranking(
        self, query: str, filters: Filters, limit: int, alternatives: tuple[str, ...] = ()
    ) -> list[tuple[int, float]]:
        """The backend's BM25 ranking of the query (see `lexical_query`)."""
        ranking = self.backend.lexical(self.lexical_query(query, alternatives), limit, filters)
        return self._rows(ranking)

    def dense_query(self, query: str) -> str:
        """Restore diacritics on a query typed without them, expand abbreviations."""
        return self.segmenter.expand_abbreviations(self.restored(query))

    def query_vector(self, query: str, alternatives: tuple[str, ...] = ()) -> np.ndarray:
        """The query's embedding; with register alternatives, a weighted mean with the
        expanded query's (`Settings.register_dense_weight`), normalised again."""
        text = self.dense_query(query)
        weight = self.settings.register_dense_weight
        if not alternatives or weight <= 0:
            return self.embedder.embed_queries([text])[0]
        plain, expanded = self.embedder.embed_queries([text, expansion_text(text, alternatives)])
        vector = (1 - weight) * plain + weight * expanded
        return vector / max(float(np.linalg.norm(vector)), 1e-12)

    def dense_ranking(
        self, vector: np.ndarray, filters: Filters, limit: int
    ) -> list[tuple[int, float]]:
        """Passage similarity fused with its best sentence's (`Settings.sentence_weight`):
        candidates are the nearest passages and the passages of the nearest sentences."""
        passages = dict(self._rows(self.backend.dense(vector, limit, filters)))
        weight = self.settings.sentence_weight
        if weight <= 0 or self.sentences is None:
            return sorted(passages.items(), key=lambda item: (-item[1], item[0]))
        documents = None if filters == NO_FILTERS else self.matching_documents(filters)
        best = self.sentences.search(vector, self.settings.sentence_candidates, documents)
        scored = []
        for row in passages.keys() | best.keys():
            passage = passages.get(row)
            if passage is None:
                passage = float(self.vectors[row] @ vector)
            sentence = best.get(row)
            if sentence is None:
                match = self.sentences.best(vector, row)
                sentence = passage if match is None else match.score
            scored.append((row, (1 - weight) * passage + weight * sentence))
        scored.sort(key=lambda item: (-item[1], item[0]))
        return scored[:limit]

    def prepare_query(self, query: str) -> LimitedQuery:
        """The cleaned query, cut to its key words when long; the faces show the notice."""
        limit, stopwords = self.settings.query_max_words, self.segmenter.lexicon.stopwords
        return limit_query(self.read_question(query), limit, stopwords)

    def read_question(self, question: str) -> str:
        """`question` in the one form search and the answer composer read
        (`qa.search.question_form`), the lexicon's abbreviations restored (`kcn` → `KCN`)."""
        return clean_query(question, self.segmenter.lexicon.abbreviations, self.cases)

    @property
    def cases(self) -> CaseTable:
        """How the corpus capitalises its words (`qa.search.truecase`), built on first use."""
        if self._cases is None:
            self._cases = CaseTable.from_texts(chunk.text for chunk in self.chunks)
        return self._cases

    @cached_property
    def districts(self) -> tuple[str, ...]:
        """The districts the corpus names (`qa.text.districts`), found on first use."""
        return district_names(chunk.text for chunk in self.chunks)

    def search(
        self,
        query: str,
        k: int = 10,
        mode: str = "hybrid",
        filters: Filters | None = None,
        *,
        clause_meanings: bool = False,
    ) -> list[Hit]:
        """The `k` best passages for `query`. `clause_meanings`: also give each hit its
        clauses' cosines to the question (`Hit.clauses`, dense modes), which only the answer
        composer reads; they cost about a fifth of a search, so a plain search skips them."""
        query = self.prepare_query(query).text
        if mode not in MODES:
            raise QueryError(f"unknown mode {mode!r}; use one of: {', '.join(MODES)}")
        if k < 1:
            raise QueryError("k must be at least 1")
        filters = filters or NO_FILTERS
        if filters != NO_FILTERS:
            filters = self.resolved(filters)  # unknown ids, bad dates: a QueryError here
        limit = max(self.settings.candidates, 3 * k)
        alternatives = self.alternatives(query)
        vector = None
        rankings = []
        if mode in ("bm25", "hybrid"):
            rankings.append(self.bm25_ranking(query, filters, limit, alternatives))
        if mode in ("dense", "hybrid"):
            vector = self.query_vector(query, alternatives)
            rankings.append(self.dense_ranking(vector, filters, limit))
        weights = (1 - self.settings.dense_weight, self.settings.dense_weight)
        if len(rankings) == 1:
            fused = rankings[0]
        elif self.settings.fusion == "weighted":
            fused = weighted_fusion(rankings, weights)
        else:
            fused = reciprocal_rank_fusion(rankings, self.settings.rrf_k, weights)
        return self._hits(query, self._collapse(fused, k), k, vector, clause_meanings)

    def _collapse(self, ranking: list[tuple[int, float]], k: int) -> list[tuple[int, float]]:
        """The first `k` passages, dropping any that mostly overlaps a better-ranked one of
        the same document."""
        kept: list[tuple[int, float]] = []
        for row, score in ranking:
            chunk = self.chunks[row]
            if not any(_overlap(chunk, self.chunks[other]) > 0.5 for other, _ in kept):
                kept.append((row, score))
                if len(kept) == k:
                    break
        return kept

    def _hits(
        self,
        query: str,
        ranking: list[tuple[int, float]],
        k: int,
        vector: np.ndarray | None,
        clause_meanings: bool,
    ) -> list[Hit]:
        """Hits with highlight terms and, when a query vector exists, the cosine of each of
        the passage's sentences to the question (the closest one apart) and, when asked,
        its clauses' meanings (`ClauseMeanings`, for the answer composer)."""
        words = query_words(query, self.segmenter)
        hits = []
        for rank, (row, score) in enumerate(ranking[:k], start=1):
            chunk = self.chunks[row]
            folded = fold_diacritics(chunk.text).lower()
            terms = tuple(w for w in words if fold_diacritics(w).lower() in folded)
            matches: tuple[SentenceMatch, ...] = ()
            clauses = None
            if vector is not None and self.sentences is not None:
                matches = self.sentences.matches(vector, row)
                clauses = self.clauses.meanings(vector, row) if clause_meanings else None
            sentence = max(matches, key=lambda m: m.score, default=None)
            doc = self.docs[chunk.doc_id]
            hits.append(Hit(rank, score, chunk, doc, terms, sentence, matches, clauses))
        return hits


def _overlap(a: Chunk, b: Chunk) -> float:
    if a.doc_id != b.doc_id:
        return 0.0
    shared = min(a.end, b.end) - max(a.start, b.start)
    return max(0, shared) / max(1, min(a.end - a.start, b.end - b.start))


def query_words(query: str, segmenter: Segmenter) -> tuple[str, ...]:
    """Surface forms to highlight: the query's words and multi-word terms but those that
    frame the question (`có`, `không`, `bao nhiêu`: marked in a passage they are noise), plus
    long forms of its abbreviations (`KCN` → also `khu công nghiệp`), bare when the query was
    typed bare: the highlighter reads a bare word of a query typed with marks as that word."""
    terms = (t for t in segmenter.terms(query) if t not in QUESTION_WORDS)
    words = {t.replace("_", " ") for t in terms}
    typed_bare = not has_diacritics(query)
    for abbr, longs in segmenter.lexicon.abbreviations.items():
        if abbr.lower() in words:
            words.update(fold_diacritics(long) if typed_bare else long for long in longs)
    return tuple(sorted((w for w in words if len(w) > 1), key=len, reverse=True))
