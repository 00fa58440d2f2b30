"""BM25 over search terms, with bm25s (sparse arrays scored once at index time)."""

from __future__ import annotations

import logging
from pathlib import Path

import bm25s
import numpy as np

log = logging.getLogger(__name__)


class LexicalIndex:
    """Scores every chunk for a list of terms; unknown terms score nothing."""

    def __init__(self, retriever: bm25s.BM25, size: int) -> None:
        self._retriever = retriever
        self.size = size
        self._vocab: dict[str, int] = dict(retriever.vocab_dict or {})

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
