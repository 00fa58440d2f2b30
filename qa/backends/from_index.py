"""Fill any backend from a built index folder: documents, chunks, terms and vectors as
`qa.store` wrote them, one `upsert` per document (no text is segmented or embedded again)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from qa.backends.protocol import ChunkTerms, SearchBackend
from qa.store import TERMS, chunk_from_row, document_meta, load_vectors, read_jsonl


def fill_from_index(backend: SearchBackend, index_dir: Path) -> int:
    """Upsert every document of `index_dir` into `backend`; return the passages written."""
    documents = {
        r["meta"]["doc_id"]: document_meta(r) for r in read_jsonl(index_dir / "documents.jsonl")
    }
    chunks = [chunk_from_row(r) for r in read_jsonl(index_dir / "chunks.jsonl")]
    terms = [
        ChunkTerms(tuple(t["terms"]), tuple(t["folded"])) for t in read_jsonl(index_dir / TERMS)
    ]
    vectors = load_vectors(index_dir)
    if not len(chunks) == len(terms) == len(vectors):
        raise ValueError(f"index at {index_dir} has misaligned chunks, terms and vectors")
    rows: dict[str, list[int]] = defaultdict(list)
    for row, chunk in enumerate(chunks):
        rows[chunk.doc_id].append(row)
    for doc_id, meta in documents.items():
        mine = rows.get(doc_id, [])
        backend.upsert(meta, [chunks[r] for r in mine], [terms[r] for r in mine], vectors[mine])
    return len(chunks)
