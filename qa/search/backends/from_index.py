"""A built index folder and its backends: open the one its manifest names, or fill any
backend from the folder's documents, chunks, terms and vectors as `qa.index.store` wrote them
(one `upsert` per document; no text is segmented or embedded again).

The manifest entry (absent = local): `"backend": {"name": "milvus", "uri": "/abs/path/
index/default.milvus.db" | "http://host:19530", "collection": "qa_default", "dim": 384,
"bm25": {…}, "documents": {doc id: signature}, …}`, written by `qa.search.backends.publish`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from qa.config import Settings
from qa.index.store import (
    CHUNKS,
    DOCUMENTS,
    TERMS,
    chunk_from_row,
    document_meta,
    load_vectors,
    read_jsonl,
)
from qa.models import Chunk, DocumentMeta
from qa.search.backends.local import LocalBackend
from qa.search.backends.protocol import ChunkTerms, SearchBackend


@dataclass(frozen=True)
class DocumentPassages:
    """One document as a backend's `upsert` takes it."""

    meta: DocumentMeta
    chunks: list[Chunk]
    terms: list[ChunkTerms]
    vectors: np.ndarray


def documents_in(index_dir: Path) -> Iterator[DocumentPassages]:
    """Every document of an index folder with its row-aligned passages, terms and vectors."""
    documents = [document_meta(r) for r in read_jsonl(index_dir / DOCUMENTS)]
    chunks = [chunk_from_row(r) for r in read_jsonl(index_dir / CHUNKS)]
    terms = [
        ChunkTerms(tuple(t["terms"]), tuple(t["folded"])) for t in read_jsonl(index_dir / TERMS)
    ]
    vectors = load_vectors(index_dir)
    if not len(chunks) == len(terms) == len(vectors):
        raise ValueError(f"index at {index_dir} has misaligned chunks, terms and vectors")
    rows: dict[str, list[int]] = defaultdict(list)
    for row, chunk in enumerate(chunks):
        rows[chunk.doc_id].append(row)
    for meta in documents:
        mine = rows.get(meta.doc_id, [])
        yield DocumentPassages(
            meta, [chunks[r] for r in mine], [terms[r] for r in mine], vectors[mine]
        )


def fill_from_index(backend: SearchBackend, index_dir: Path) -> int:
    """Upsert every document of `index_dir` into `backend`; return the passages written."""
    written = 0
    for doc in documents_in(index_dir):
        backend.upsert(doc.meta, doc.chunks, doc.terms, doc.vectors)
        written += len(doc.chunks)
    return written


def open_backend(index_dir: Path, manifest: dict[str, Any], token: str = "") -> SearchBackend:
    """The backend an index folder's manifest names, with the build's BM25 settings;
    Milvus is imported only when named, so the local default never loads pymilvus.
    `token` authenticates to a Milvus server (never stored in the manifest)."""
    entry = manifest.get("backend") or {"name": "local"}
    settings = manifest.get("settings", {})
    k1 = float(settings.get("bm25_k1", Settings.bm25_k1))  # as the index was built
    b = float(settings.get("bm25_b", Settings.bm25_b))
    if entry["name"] == "local":
        return LocalBackend.from_index(index_dir, k1, b, int(settings.get("hnsw_above", 50_000)))
    if entry["name"] == "milvus":
        from qa.search.backends.milvus import open_milvus

        return open_milvus(entry, token)
    raise ValueError(f"index at {index_dir} names an unknown backend {entry['name']!r}")
