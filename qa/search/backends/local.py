"""The embedded backend: bm25s (accented + folded terms) and FAISS in this process.

It wraps `qa.index.lexical.LexicalIndex` and `qa.index.dense.DenseIndex` as they are. Both are built
for a fixed set of passages, so an `upsert`/`remove` only edits the rows and the next query
rebuilds the two indexes (cheap at seed size; a whole-index build is what `qa index` does
anyway). `from_index` opens a built index folder without rebuilding anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from qa.config import Settings
from qa.index.dense import DenseIndex
from qa.index.lexical import LexicalIndex
from qa.index.store import (
    BM25,
    BM25_FOLDED,
    CHUNKS,
    DENSE,
    DOCUMENTS,
    TERMS,
    document_meta,
    load_vectors,
    read_jsonl,
)
from qa.models import Chunk, DocumentMeta
from qa.search.backends.protocol import (
    NO_FILTERS,
    ChunkTerms,
    Filters,
    LexicalQuery,
    Ranking,
    check_row_aligned,
)


def top_rows(scores: np.ndarray, limit: int) -> np.ndarray:
    """Rows of the `limit` best scores, best first, ties by row: a partial sort, since a
    full argsort of 100,000 scores costs more than scoring them."""
    limit = min(limit, len(scores))
    if limit <= 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, limit - 1)[:limit]
    return part[np.lexsort((part, -scores[part]))]


@dataclass
class _Rows:
    """Row-aligned passage data; `terms`/`vectors` are None until a change needs them."""

    chunk_ids: list[str] = field(default_factory=list)
    doc_ids: list[str] = field(default_factory=list)
    terms: list[ChunkTerms] | None = field(default_factory=list)
    vectors: np.ndarray | None = None


class LocalBackend:
    """`SearchBackend` over bm25s + FAISS; BM25 k1/b and the HNSW threshold as in Settings."""

    def __init__(
        self, k1: float = Settings.bm25_k1, b: float = Settings.bm25_b, hnsw_above: int = 50_000
    ) -> None:
        self.k1, self.b, self.hnsw_above = k1, b, hnsw_above
        self.documents: dict[str, DocumentMeta] = {}
        self._rows = _Rows()
        self._index_dir: Path | None = None
        self._accented: LexicalIndex | None = None
        self._folded: LexicalIndex | None = None
        self._dense: DenseIndex | None = None

    @classmethod
    def from_index(
        cls,
        index_dir: Path,
        k1: float = Settings.bm25_k1,
        b: float = Settings.bm25_b,
        hnsw_above: int = 50_000,
    ) -> LocalBackend:
        """Open the bm25s and FAISS files of a built index folder (`qa.index.store` layout)."""
        backend = cls(k1, b, hnsw_above)
        backend.documents = {
            r["meta"]["doc_id"]: document_meta(r) for r in read_jsonl(index_dir / DOCUMENTS)
        }
        rows = read_jsonl(index_dir / CHUNKS)
        backend._rows = _Rows([r["chunk_id"] for r in rows], [r["doc_id"] for r in rows], None)
        backend._index_dir = index_dir
        backend._accented = LexicalIndex.load(index_dir / BM25, len(rows))
        backend._folded = LexicalIndex.load(index_dir / BM25_FOLDED, len(rows))
        backend._dense = DenseIndex.load(index_dir / DENSE)
        return backend

    def _editable(self) -> _Rows:
        """Rows with terms and vectors loaded (read from the index folder on first change)."""
        rows = self._rows
        if rows.terms is None and self._index_dir is not None:
            rows.terms = [
                ChunkTerms(tuple(t["terms"]), tuple(t["folded"]))
                for t in read_jsonl(self._index_dir / TERMS)
            ]
            rows.vectors = load_vectors(self._index_dir)
        return rows

    def upsert(
        self,
        document: DocumentMeta,
        chunks: Sequence[Chunk],
        terms: Sequence[ChunkTerms],
        vectors: np.ndarray,
    ) -> None:
        check_row_aligned(chunks, terms, vectors)
        self.remove(document.doc_id)
        rows = self._editable()
        rows.chunk_ids += [c.chunk_id for c in chunks]
        rows.doc_ids += [document.doc_id] * len(chunks)
        rows.terms = [*(rows.terms or []), *terms]
        new = np.asarray(vectors, dtype=np.float32).reshape(len(chunks), -1)
        rows.vectors = new if rows.vectors is None else np.concatenate([rows.vectors, new])
        self.documents[document.doc_id] = document
        self._accented = self._folded = self._dense = None

    def remove(self, doc_id: str) -> None:
        if doc_id not in self.documents:
            return
        rows = self._editable()
        keep = [i for i, d in enumerate(rows.doc_ids) if d != doc_id]
        rows.chunk_ids = [rows.chunk_ids[i] for i in keep]
        rows.doc_ids = [rows.doc_ids[i] for i in keep]
        rows.terms = [rows.terms[i] for i in keep] if rows.terms is not None else None
        rows.vectors = rows.vectors[keep] if rows.vectors is not None else None
        del self.documents[doc_id]
        self._accented = self._folded = self._dense = None

    def _indexes(self) -> tuple[LexicalIndex, LexicalIndex, DenseIndex | None]:
        """The bm25s and FAISS indexes, rebuilt after a change."""
        if self._accented is None or self._folded is None:
            terms = self._rows.terms or []
            self._accented = LexicalIndex.build([list(t.accented) for t in terms], self.k1, self.b)
            self._folded = LexicalIndex.build([list(t.folded) for t in terms], self.k1, self.b)
        if self._dense is None and self._rows.vectors is not None and len(self._rows.vectors):
            self._dense = DenseIndex.build(self._rows.vectors, self.hnsw_above)
        return self._accented, self._folded, self._dense

    def allowed_rows(self, filters: Filters) -> np.ndarray | None:
        """Row ids of passages whose document passes (None = no filter)."""
        if filters == Filters():
            return None
        admitted = {d for d, meta in self.documents.items() if filters.admits(meta)}
        return np.flatnonzero([d in admitted for d in self._rows.doc_ids])

    def lexical(self, query: LexicalQuery, k: int, filters: Filters = NO_FILTERS) -> Ranking:
        if not self._rows.chunk_ids:
            return []
        accented, folded, _ = self._indexes()
        scores = query.folded_weight * folded.scores(list(query.folded))
        if query.accented:
            scores = accented.scores(list(query.accented)) + scores
        if query.expansion and query.expansion_weight > 0:
            scores = scores + query.expansion_weight * accented.scores(list(query.expansion))
        allowed = self.allowed_rows(filters)
        if allowed is not None:
            mask = np.zeros(len(scores), dtype=bool)
            mask[allowed] = True
            scores = np.where(mask, scores, 0.0)
        ids = self._rows.chunk_ids
        return [(ids[r], float(scores[r])) for r in top_rows(scores, k) if scores[r] > 0]

    def dense(self, vector: np.ndarray, k: int, filters: Filters = NO_FILTERS) -> Ranking:
        _, _, index = self._indexes()
        if index is None:
            return []
        ids = self._rows.chunk_ids
        return [(ids[r], s) for r, s in index.search(vector, k, self.allowed_rows(filters))]

    def close(self) -> None:
        """Nothing to release: the indexes are this process's memory."""

    def stats(self) -> dict[str, Any]:
        dense = self._dense
        return {
            "backend": "local",
            "index": str(self._index_dir) if self._index_dir else None,
            "documents": len(self.documents),
            "chunks": len(self._rows.chunk_ids),
            "dense_index": None if dense is None else ("hnsw" if dense.is_hnsw else "flat"),
        }
