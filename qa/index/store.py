"""The index on disk: plain JSON / JSON Lines / NumPy / FAISS files, never pickle.

index/<name>/
  manifest.json      format, embedder, settings, one fingerprint per document, counts,
                     the search backend when not local (`backend`: Milvus URI, collection)
  documents.jsonl    document metadata + normalised text (what chunk spans point into)
  chunks.jsonl       chunks with provenance and content hashes
  terms.jsonl.gz     search terms per chunk (only read when rebuilding)
  vectors.npy        chunk embeddings, float32, L2-normalised, row i = chunk i
  dense.faiss        FAISS index over vectors.npy (flat inner product or HNSW)
  bm25/, bm25_folded/  bm25s arrays (accented terms, diacritic-folded terms)
  restorer.json      corpus spelling for restoring diacritics on queries
  ocr-cache.jsonl    OCR output by page-image hash (qa.ingest.scan.cache), reused by the next build
  lexicon.json       abbreviations and stopwords the terms were made with
  register.json      register lexicon for query expansion (`bắp` → also `ngô`)
  kinds.json         the corpus's own kinds (`<corpus>/kinds.toml`), added to the bundled ones
  sentence_spans.npy   int32 (chunk row, start, end) of every sentence, in chunk order
  sentence_vectors.npy sentence embeddings, float32, row i = sentence i of sentence_spans
  sentences.faiss    FAISS index over sentence_vectors.npy
  clause_spans.npy     int32 (chunk row, start, end) of every clause of every sentence
  clause_vectors.npy   clause embeddings, float16, row i = clause i of clause_spans (no
                     FAISS index: the answer composer reads them by chunk row, in float32)

`write_index` writes all of it but the manifest (`write_manifest`, last) and the OCR cache, for a
build and for the synthetic benchmark alike.

A build writes a temporary sibling folder and swaps it in with renames (`qa/index/folder.py`),
so a failed or interrupted build never leaves a broken index in place.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np

from qa.errors import IndexMissing, IndexStale
from qa.index.dense import DenseIndex
from qa.index.lexical import LexicalIndex
from qa.models import Chunk, DocumentMeta, Footnote, OcrReport

FORMAT_VERSION = 4  # 4: clause vectors
DOCUMENTS = "documents.jsonl"
CHUNKS = "chunks.jsonl"
TERMS = "terms.jsonl.gz"
VECTORS = "vectors.npy"
DENSE = "dense.faiss"
BM25 = "bm25"
BM25_FOLDED = "bm25_folded"
MANIFEST = "manifest.json"
REGISTER = "register.json"
KINDS = "kinds.json"
RESTORER = "restorer.json"
LEXICON = "lexicon.json"
SENTENCE_SPANS = "sentence_spans.npy"
SENTENCE_VECTORS = "sentence_vectors.npy"
SENTENCE_INDEX = "sentences.faiss"
CLAUSE_SPANS = "clause_spans.npy"
CLAUSE_VECTORS = "clause_vectors.npy"
SENTENCE_FILES = (SENTENCE_SPANS, SENTENCE_VECTORS)
CLAUSE_FILES = (CLAUSE_SPANS, CLAUSE_VECTORS)


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def _open_text(path: Path, mode: str) -> IO[str]:
    """Plain or gzip-compressed by file name (`terms.jsonl.gz`)."""
    if path.suffix != ".gz":
        return path.open(mode, encoding="utf-8")
    if mode == "w":
        return gzip.open(path, "wt", encoding="utf-8", compresslevel=5)
    return gzip.open(path, "rt", encoding="utf-8")


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    with _open_text(path, "w") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with _open_text(path, "r") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def chunk_to_row(chunk: Chunk, text_hash: str) -> dict[str, Any]:
    row = asdict(chunk)
    row["footnotes"] = list(chunk.footnotes)
    row["sections"] = [list(pair) for pair in chunk.sections]
    row["hash"] = text_hash
    return row


def chunk_from_row(row: dict[str, Any]) -> Chunk:
    return Chunk(
        chunk_id=row["chunk_id"],
        doc_id=row["doc_id"],
        text=row["text"],
        start=row["start"],
        end=row["end"],
        section=row["section"],
        page=row.get("page"),
        footnotes=tuple(row.get("footnotes", ())),
        footnote=row.get("footnote"),
        sections=tuple((int(offset), str(path)) for offset, path in row.get("sections", ())),
    )


def document_to_row(
    meta: DocumentMeta, text: str, footnotes: tuple[Footnote, ...], ocr: OcrReport
) -> dict[str, Any]:
    return {
        "meta": asdict(meta),
        "text": text,
        "footnotes": [asdict(f) for f in footnotes],
        "ocr": {**asdict(ocr), "remaining": list(ocr.remaining)},
    }


def document_meta(row: dict[str, Any]) -> DocumentMeta:
    return DocumentMeta(**row["meta"])


def read_manifest(index_dir: Path) -> dict[str, Any]:
    """The manifest, or IndexMissing / IndexStale with the command that fixes it."""
    path = index_dir / MANIFEST
    if not path.exists():
        raise IndexMissing(f"no index at {index_dir}; build it with: qa index --index {index_dir}")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise IndexStale(
            f"index at {index_dir} is unreadable ({exc}); rebuild: qa index --index {index_dir}"
        ) from exc
    if manifest.get("format") != FORMAT_VERSION:
        raise IndexStale(
            f"index at {index_dir} has format {manifest.get('format')}, this program reads "
            f"{FORMAT_VERSION}; rebuild: qa index --index {index_dir}"
        )
    return manifest


def previous_embedder(index_dir: Path) -> str | None:
    """The embedder id of whatever index `index_dir` holds, of any format (None: no readable
    manifest). A build reuses that index's vectors even across a format change: every vector
    is keyed by a hash of the exact text it embeds, which a format change does not alter."""
    try:
        manifest = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
        return str(manifest["embedder"]["id"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def load_vectors(index_dir: Path, mmap: bool = False) -> np.ndarray:
    vectors: np.ndarray = np.load(
        index_dir / VECTORS, allow_pickle=False, mmap_mode="r" if mmap else None
    )
    return vectors


def save_spans(
    folder: Path,
    spans: np.ndarray,
    vectors: np.ndarray,
    files: tuple[str, str] = SENTENCE_FILES,
    dtype: type[np.floating[Any]] = np.float32,
) -> None:
    """Span rows (chunk row, start, end) and their vectors: sentences or clauses (`files`),
    stored as `dtype`."""
    np.save(folder / files[0], np.asarray(spans, dtype=np.int32), allow_pickle=False)
    np.save(folder / files[1], np.asarray(vectors, dtype=dtype), allow_pickle=False)


def write_sentence_files(
    folder: Path, spans: np.ndarray, vectors: np.ndarray, hnsw_above: int
) -> None:
    """Sentence spans, vectors and their FAISS index (none when no sentence was kept)."""
    save_spans(folder, spans, vectors)
    if len(vectors):
        DenseIndex.build(vectors, hnsw_above).save(folder / SENTENCE_INDEX)


def load_spans(
    folder: Path, mmap: bool = False, files: tuple[str, str] = SENTENCE_FILES
) -> tuple[np.ndarray, np.ndarray]:
    """Span rows (chunk row, start, end) and vectors of sentences or clauses (`files`);
    ValueError when they disagree."""
    spans: np.ndarray = np.load(folder / files[0], allow_pickle=False)
    vectors: np.ndarray = np.load(
        folder / files[1], allow_pickle=False, mmap_mode="r" if mmap else None
    )
    if spans.ndim != 2 or spans.shape[1] != 3 or len(spans) != len(vectors):
        raise ValueError(f"span files of {folder} disagree ({spans.shape}, {vectors.shape})")
    return spans, vectors


@dataclass(frozen=True)
class IndexContent:
    """Everything an index folder holds but its manifest and OCR cache, row-aligned with
    `chunk_rows` (terms, folded terms, vectors; sentence spans point at chunk rows)."""

    document_rows: list[dict[str, Any]]  # `document_to_row`
    chunk_rows: list[dict[str, Any]]  # `chunk_to_row`, plus what a build keeps (embed_hash)
    terms: list[list[str]]
    folded: list[list[str]]
    vectors: np.ndarray
    sentence_spans: np.ndarray
    sentence_vectors: np.ndarray
    clause_spans: np.ndarray
    clause_vectors: np.ndarray
    restorer: dict[str, Any]
    lexicon: dict[str, Any]
    register: dict[str, Any]
    kinds: dict[str, Any] = field(default_factory=dict)  # the corpus's own, if any


def write_index(
    folder: Path,
    content: IndexContent,
    k1: float,
    b: float,
    hnsw_above: int,
    seconds: dict[str, float] | None = None,
) -> None:
    """Write every index file of `content` into `folder` (the BM25 and FAISS indexes built
    here); `seconds` receives the time spent writing rows, building BM25 and dense indexes."""
    spent = seconds if seconds is not None else {}
    started = time.perf_counter()
    write_jsonl(folder / DOCUMENTS, content.document_rows)
    write_jsonl(folder / CHUNKS, content.chunk_rows)
    rows = zip(content.terms, content.folded, strict=True)
    write_jsonl(folder / TERMS, [{"terms": t, "folded": f} for t, f in rows])
    write_json(folder / RESTORER, content.restorer)
    write_json(folder / LEXICON, content.lexicon)
    write_json(folder / REGISTER, content.register)
    write_json(folder / KINDS, content.kinds)
    spent["write_s"] = time.perf_counter() - started
    started = time.perf_counter()
    LexicalIndex.build(content.terms, k1, b).save(folder / BM25)
    LexicalIndex.build(content.folded, k1, b).save(folder / BM25_FOLDED)
    spent["bm25_build_s"] = time.perf_counter() - started
    started = time.perf_counter()
    np.save(folder / VECTORS, content.vectors, allow_pickle=False)
    DenseIndex.build(content.vectors, hnsw_above).save(folder / DENSE)
    write_sentence_files(folder, content.sentence_spans, content.sentence_vectors, hnsw_above)
    # clause vectors only break ties between one sentence's windows, and are the index's
    # largest file (a row per clause): half precision halves it (1 of 415 gold answer lines
    # changed, a tie; no confidence moved)
    save_spans(folder, content.clause_spans, content.clause_vectors, CLAUSE_FILES, np.float16)
    spent["dense_build_s"] = time.perf_counter() - started


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    """The manifest, written last: an index folder is complete once it exists."""
    write_json(folder / MANIFEST, manifest)
