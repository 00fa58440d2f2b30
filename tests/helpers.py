"""Test doubles shared by several test modules."""

from __future__ import annotations

import hashlib
import re

import numpy as np

from qa.normalize import fold_diacritics


class CountingEmbedder:
    """Deterministic bag-of-syllables vectors; counts what it was asked to embed."""

    id = "fake-hash-256"
    dim = 256

    def __init__(self) -> None:
        self.passages_embedded = 0

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, np.float32)
        for word in re.findall(r"\w+", fold_diacritics(text).lower()):
            vector[int(hashlib.md5(word.encode()).hexdigest()[:6], 16) % self.dim] += 1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.passages_embedded += len(texts)
        return self.embed_queries(texts)
