"""BM25 over search terms, with bm25s (sparse arrays scored once at index time)."""

from __future__ import annotations

import logging
from pathlib import Path

import bm25s
import numpy as np
from scipy import sparse

log = logging.getLogger(__name__)


class LexicalIndex:
    """Scores every chunk for a list of terms; unknown terms score nothing."""

    def __init__(self, retriever: bm25s.BM25, size: int) -> None:
        self._retriever = retriever
        self.size = size
        self._vocab: dict[str, int] = dict(retriever.vocab_dict or {})
        self._by_row: sparse.csr_matrix | None = None  # row → term weights, built on first use
        self._names: list[str] = []

    @classmethod
    def build(cls, terms: list[list[str]], k1: float, b: float) -> LexicalIndex:
        retriever = bm25s.BM25(k1=k1, b=b)
        retriever.index([t or [""] for t in terms], show_progress=False)
        return cls(retriever, len(terms))

    def save(self, folder: Path) -> None:
        self._retriever.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, size: int) -> LexicalIndex:
        retriever = bm25s.BM25.load(str(folder), show_progress=False, verbosity=0)
        return cls(retriever, size)

    def scores(self, terms: list[str]) -> np.ndarray:
        known = [t for t in terms if t in self._vocab and t]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._retriever.get_scores(known), dtype=np.float32)

    def salient_terms(self, rows: list[int], count: int, exclude: set[str]) -> list[str]:
        """The `count` terms weighing most in `rows` (summed BM25 weight), for pseudo-relevance
        feedback: the top passages of `giá lúa` also speak of `sản_lượng`, `vụ_mùa`."""
        if not rows or count <= 0:
            return []
        if self._by_row is None:
            data = self._retriever.scores
            shape = (int(data["num_docs"]), len(data["indptr"]) - 1)
            self._by_row = sparse.csc_matrix(
                (data["data"], data["indices"], data["indptr"]), shape=shape
            ).tocsr()
            self._names = [""] * shape[1]
            for term, column in self._vocab.items():
                if column < shape[1]:  # bm25s adds "" to the vocabulary without a column
                    self._names[column] = term
        weights = np.asarray(self._by_row[rows].sum(axis=0)).ravel()
        ranked = np.argsort(-weights, kind="stable")
        chosen: list[str] = []
        for column in ranked:
            if weights[column] <= 0 or len(chosen) == count:
                break
            name = self._names[column]
            if name and name not in exclude:
                chosen.append(name)
        return chosen
