"""Dense vectors in FAISS: exact inner product, or HNSW above a configurable size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import faiss as _faiss
import numpy as np

faiss: Any = _faiss  # its bundled stubs lack the HNSW parameters and ID selectors used here

HNSW_NEIGHBOURS = 32


class DenseIndex:
    """Inner-product search over L2-normalised vectors (= cosine similarity)."""

    def __init__(self, index: Any) -> None:
        self._index = index
        self.size = int(index.ntotal)
        self.is_hnsw = isinstance(index, faiss.IndexHNSWFlat)

    @classmethod
    def build(cls, vectors: np.ndarray, hnsw_above: int) -> DenseIndex:
        dim = vectors.shape[1]
        if len(vectors) > hnsw_above:
            index = faiss.IndexHNSWFlat(dim, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = 80
        else:
            index = faiss.IndexFlatIP(dim)
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(index)

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        return cls(faiss.read_index(str(path)))

    def search(
        self, query: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """Top `k` (row, similarity); `allowed` (row ids) restricts the search inside FAISS."""
        k = min(k, self.size if allowed is None else len(allowed))
        if k <= 0:
            return []
        params: Any = None
        if allowed is not None:
            selector = faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64))
            if self.is_hnsw:
                params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(64, 2 * k))
            else:
                params = faiss.SearchParameters(sel=selector)
        elif self.is_hnsw:
            params = faiss.SearchParametersHNSW(efSearch=max(64, 2 * k))
        query = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        scores, rows = self._index.search(query, k, params=params)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0]
