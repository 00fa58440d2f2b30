"""Build the index from a corpus folder, incrementally.

Every build parses all documents (fast), then segments and embeds only chunk texts it has
not seen before: terms and vectors of the previous index are reused by content hash (and
embedder id), so a run with no change embeds nothing and a one-document change embeds only
that document's new chunks.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from tqdm import tqdm

from qa.answer.kinds_of_things import KindTable
from qa.config import Settings
from qa.errors import CorpusError, IndexMissing, IndexStale
from qa.index.chunk import chunk_documents
from qa.index.defined import defined_abbreviations
from qa.index.embed import Embedder, load_embedder
from qa.index.failures import FailedFile, failed_file, failures_to_manifest
from qa.index.folder import atomic_index_dir, build_lock, check_index_target, remove_leftovers
from qa.index.segment import TERMS_VERSION, Lexicon, Segmenter
from qa.index.sentences import (
    CLAUSES,
    SENTENCES,
    EmbeddedSpans,
    SpanKind,
    embed_spans,
    previous_span_vectors,
)
from qa.index.store import (
    CHUNKS,
    FORMAT_VERSION,
    TERMS,
    IndexContent,
    chunk_from_row,
    chunk_to_row,
    document_to_row,
    load_vectors,
    previous_embedder,
    read_jsonl,
    read_manifest,
    write_index,
    write_manifest,
)
from qa.ingest.corpus_files import CorpusFile
from qa.ingest.document import PIPELINE_VERSION, parse_document
from qa.ingest.loaders import CATALOG_NAME, iter_corpus
from qa.ingest.scan import Scanner
from qa.ingest.scan.cache import OcrCache
from qa.models import Chunk, ParsedDocument
from qa.search.register import Register
from qa.text.diacritics import DiacriticRestorer

log = logging.getLogger(__name__)
CHUNK_SETTINGS = ("chunk_min_words", "chunk_max_words", "chunk_overlap_words")


@dataclass
class BuildReport:
    """What a build did, for the CLI and the benchmark."""

    documents: int = 0
    chunks: int = 0
    embedded: int = 0
    reused: int = 0
    sentences: int = 0  # sentence vectors stored
    sentences_embedded: int = 0  # of which embedded by this build (the rest reused)
    clauses: int = 0  # clause vectors stored
    clauses_embedded: int = 0  # of which embedded by this build
    seconds: float = 0.0
    embed_seconds: float = 0.0
    errors: list[FailedFile] = field(default_factory=list)  # files left out, kept in the manifest
    warnings: list[str] = field(default_factory=list)  # indexed, with scanned pages skipped
    ocr_pages: int = 0  # pages Tesseract read (pages found in the OCR cache not counted)
    ocr_seconds: float = 0.0
    backend: dict[str, Any] = field(default_factory=dict)  # the manifest's entry; {} = local


class Publisher(Protocol):
    """A search backend a build also fills (`qa.search.backends.publish.MilvusTarget`)."""

    def check(self, index_dir: Path) -> None:
        """Raise a QAError before any work when the backend cannot be used."""

    def publish(self, folder: Path, previous: dict[str, Any]) -> dict[str, Any]:
        """Sync the backend from the index files in `folder` (the previous manifest says
        what it already holds); return the manifest's `backend` entry."""


def embed_input(chunk: Chunk) -> str:
    """What the embedder sees: the section path gives a short passage its topic."""
    return f"{chunk.section}\n{chunk.text}" if chunk.section else chunk.text


def lexical_input(chunk: Chunk, title: str) -> str:
    """What BM25 sees: the document title and section path tell which report and topic."""
    return f"{title}\n{chunk.section}\n{chunk.text}"


def catalog_hash(corpus: Path) -> str:
    """Metadata edits (titles, dates) make an index stale just like text edits."""
    path = corpus / CATALOG_NAME
    if not path.exists():
        return ""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror})") from exc


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def load_corpus(
    corpus: Path,
    settings: Settings | None = None,
    progress: bool = False,
    on_file: Callable[[str], None] | None = None,
    scanner: Scanner | None = None,
) -> tuple[list[ParsedDocument], list[FailedFile]]:
    """Parsed documents and a record (path, reason, fingerprint) per file that did not load.

    Files are read and parsed one at a time; the progress bar (and `on_file`) names the file.
    Problems with single scanned pages of a file that did load are `scanner.warnings`.
    """
    docs: list[ParsedDocument] = []
    errors: list[FailedFile] = []
    with tqdm(desc="reading", unit="file", disable=not progress) as bar:

        def show(file: CorpusFile, position: int, total: int) -> None:
            bar.total = total
            bar.set_postfix_str(file.doc_id)
            if on_file is not None:
                on_file(file.doc_id)

        for item in iter_corpus(corpus, settings, show, scanner):
            if isinstance(item, CorpusError):
                errors.append(failed_file(item, corpus))
            else:
                docs.append(parse_document(item))
            bar.update()
    if not docs:
        raise CorpusError(f"no readable document in {corpus}: " + "; ".join(map(str, errors)))
    return docs, errors


@dataclass(frozen=True)
class _Previous:
    """What the index being replaced gives the build, read once."""

    terms: dict[str, list[str]] = field(default_factory=dict)  # chunk hash → terms
    vectors: dict[str, np.ndarray] = field(default_factory=dict)  # embed-input hash → vector
    chunks: list[Chunk] = field(default_factory=list)  # its chunks: its span vectors' keys


def _previous(index_dir: Path, embedder_id: str, lexicon: str) -> _Previous:
    """Cached terms by chunk hash and vectors by embed-input hash from the current index.

    Terms are reused only from an index of this format and lexicon (segmentation may have
    changed with the format); vectors (and the chunks that key its sentence and clause
    vectors) from one of any format under the same embedder.
    """
    try:
        manifest = read_manifest(index_dir)
    except (IndexMissing, IndexStale):
        manifest = {}  # none, or another format: only its vectors are reused
    try:
        rows = read_jsonl(index_dir / CHUNKS)
    except (OSError, ValueError):
        return _Previous()
    same_vectors = previous_embedder(index_dir) == embedder_id
    chunks = _chunks_of(rows) if same_vectors else []
    try:
        same_terms = manifest.get("terms_lexicon") == lexicon  # same abbreviations, stopwords
        terms = read_jsonl(index_dir / TERMS) if same_terms else []
        vectors = load_vectors(index_dir) if same_vectors else None
        term_cache = {
            row["hash"]: [*t["terms"], "\x00", *t["folded"]]
            for row, t in zip(rows, terms, strict=False)
        }
        if vectors is None or len(vectors) != len(rows):
            return _Previous(term_cache, chunks=chunks)
        vector_cache = {row["embed_hash"]: vectors[i] for i, row in enumerate(rows)}
        return _Previous(term_cache, vector_cache, chunks)
    except (OSError, ValueError, KeyError, TypeError):  # an older or damaged index
        return _Previous(chunks=chunks)


def _chunks_of(rows: list[dict[str, Any]]) -> list[Chunk]:
    """The previous index's chunks (none when its rows are not ours to read)."""
    try:
        return [chunk_from_row(row) for row in rows]
    except (KeyError, TypeError, ValueError):
        return []


def _previous_manifest(index_dir: Path) -> dict[str, Any]:
    """The manifest of the index being replaced ({} when there is none to read)."""
    try:
        return read_manifest(index_dir)
    except (IndexMissing, IndexStale):
        return {}


def build_index(
    corpus: Path,
    index_dir: Path,
    embedder: Embedder | str,
    settings: Settings | None = None,
    progress: bool = True,
    on_progress: Callable[[float, str], None] | None = None,
    publisher: Publisher | None = None,
) -> BuildReport:
    """Parse, chunk, segment, embed and write the index atomically; return what was done.
    With a `publisher`, the new index files are also synced into that backend before the
    folder is swapped in (a failed sync leaves the previous index in place).

    Refuses a folder that is not ours to replace (UnsafeIndexFolder) and waits at most
    `Settings.build_wait_seconds` for another build of the same index (IndexBusy).
    """
    settings = settings or Settings()
    check_index_target(index_dir, corpus)
    if publisher is not None:
        publisher.check(index_dir)
    index_dir = index_dir.resolve()  # a symlinked index is rebuilt where it points
    with build_lock(index_dir, settings.build_wait_seconds):
        remove_leftovers(index_dir)
        return _build_locked(
            corpus, index_dir, embedder, settings, progress, on_progress, publisher
        )


def _build_locked(
    corpus: Path,
    index_dir: Path,
    embedder: Embedder | str,
    settings: Settings,
    progress: bool,
    on_progress: Callable[[float, str], None] | None,
    publisher: Publisher | None,
) -> BuildReport:
    """The build itself, run while holding the index's lock."""
    started = time.perf_counter()
    kinds = KindTable.of_corpus(corpus)  # a malformed table fails now, not after embedding
    model = load_embedder(embedder) if isinstance(embedder, str) else embedder
    report = BuildReport()
    notify = on_progress or (lambda fraction, message: None)
    notify(0.02, "Đọc và chuẩn hoá tài liệu")
    scanner = Scanner(settings, OcrCache.load(index_dir), progress=progress)
    docs, report.errors = load_corpus(
        corpus,
        settings,
        progress,
        lambda doc_id: notify(0.02, f"Đọc và chuẩn hoá: {doc_id}"),
        scanner,
    )
    report.warnings = scanner.warnings
    report.ocr_pages, report.ocr_seconds = scanner.pages_read, scanner.ocr_seconds
    chunks = chunk_documents(docs, settings)
    if not chunks:
        raise CorpusError(f"no text to index in {corpus}")
    files = Lexicon.for_corpus(corpus)  # what freshness compares: the corpus's own files
    lexicon = files.extended(defined_abbreviations((d.text for d in docs), files.abbreviations))
    segmenter = Segmenter(lexicon)
    previous = _previous(index_dir, model.id, lexicon.fingerprint)
    term_cache, vector_cache = previous.terms, previous.vectors
    titles = {d.meta.doc_id: d.meta.title for d in docs}
    lexical_texts = [lexical_input(c, titles[c.doc_id]) for c in chunks]
    hashes = [content_hash(t) for t in lexical_texts]
    embed_hashes = [content_hash(embed_input(c)) for c in chunks]

    notify(0.1, "Tách từ")
    terms: list[list[str]] = []
    folded: list[list[str]] = []
    for text, key in zip(lexical_texts, hashes, strict=True):
        cached = term_cache.get(key)
        if cached is None:
            cached = [*segmenter.terms(text), "\x00", *segmenter.folded_terms(text)]
        split = cached.index("\x00")
        terms.append(cached[:split])
        folded.append(cached[split + 1 :])

    missing = sorted({h for h in embed_hashes if h not in vector_cache})
    inputs = {h: embed_input(c) for c, h in zip(chunks, embed_hashes, strict=True)}
    embed_started = time.perf_counter()
    batches = range(0, len(missing), settings.embed_batch)
    for done, first in enumerate(
        tqdm(batches, desc="embedding", disable=not progress or not missing)
    ):
        keys = missing[first : first + settings.embed_batch]
        for key, vector in zip(keys, model.embed_passages([inputs[k] for k in keys]), strict=True):
            vector_cache[key] = vector
        notify(0.15 + 0.4 * (done + 1) / max(1, len(batches)), "Tạo vector ngữ nghĩa")

    def spans_of(kind: SpanKind, start: float, label: str) -> EmbeddedSpans:
        """Sentence or clause vectors, reusing the previous index's; progress start…+0.2."""
        cache = previous_span_vectors(index_dir, previous.chunks, kind)
        return embed_spans(
            chunks, model, cache, settings.embed_batch, kind, progress,
            lambda fraction: notify(start + 0.2 * fraction, label),
        )  # fmt: skip

    sentences = spans_of(SENTENCES, 0.55, "Tạo vector câu")
    clauses = spans_of(CLAUSES, 0.75, "Tạo vector mệnh đề")
    report.embed_seconds = time.perf_counter() - embed_started
    built = _Built(
        docs=docs,
        chunks=chunks,
        hashes=hashes,
        embed_hashes=embed_hashes,
        terms=terms,
        folded=folded,
        vectors=np.stack([vector_cache[h] for h in embed_hashes]).astype(np.float32),
        lexicon=lexicon,
        lexicon_files=files.fingerprint,
        sentences=sentences,
        clauses=clauses,
        register=Register.for_corpus(corpus).counted(d.text for d in docs),
        kinds=kinds,
    )

    notify(0.96, "Ghi chỉ mục")
    with atomic_index_dir(index_dir) as tmp:
        _write(tmp, built, settings)
        scanner.cache.save(tmp)
        if publisher is not None:
            notify(0.98, "Đồng bộ chỉ mục sang Milvus")
            report.backend = publisher.publish(tmp, _previous_manifest(index_dir))
        report.seconds = time.perf_counter() - started
        write_manifest(tmp, _manifest(corpus, built, model, settings, report))
    report.documents, report.chunks = len(docs), len(chunks)
    report.embedded, report.reused = len(missing), len(chunks) - len(missing)
    report.sentences, report.sentences_embedded = len(sentences.spans), sentences.embedded
    report.clauses, report.clauses_embedded = len(clauses.spans), clauses.embedded
    notify(1.0, "Xong")
    return report


@dataclass(frozen=True)
class _Built:
    """Everything a build computed, row-aligned with `chunks`, ready to be written."""

    docs: list[ParsedDocument]
    chunks: list[Chunk]
    hashes: list[str]
    embed_hashes: list[str]
    terms: list[list[str]]
    folded: list[list[str]]
    vectors: np.ndarray
    lexicon: Lexicon  # the corpus's files and the abbreviations its documents define
    lexicon_files: str  # fingerprint of the files' lexicon alone
    sentences: EmbeddedSpans
    clauses: EmbeddedSpans
    register: Register
    kinds: KindTable  # the corpus's own additions to the bundled kinds


def _write(folder: Path, built: _Built, settings: Settings) -> None:
    rows = [
        {**chunk_to_row(c, h), "embed_hash": e}
        for c, h, e in zip(built.chunks, built.hashes, built.embed_hashes, strict=True)
    ]
    content = IndexContent(
        document_rows=[document_to_row(d.meta, d.text, d.footnotes, d.ocr) for d in built.docs],
        chunk_rows=rows,
        terms=built.terms,
        folded=built.folded,
        vectors=built.vectors,
        sentence_spans=built.sentences.spans,
        sentence_vectors=built.sentences.vectors,
        clause_spans=built.clauses.spans,
        clause_vectors=built.clauses.vectors,
        restorer=DiacriticRestorer.from_texts(d.text for d in built.docs).to_json(),
        lexicon=built.lexicon.to_json(),
        register=built.register.to_json(),
        kinds=built.kinds.to_json(),
    )
    write_index(folder, content, settings.bm25_k1, settings.bm25_b, settings.hnsw_above)


def _manifest(
    corpus: Path, built: _Built, model: Embedder, settings: Settings, report: BuildReport
) -> dict[str, Any]:
    per_doc: dict[str, int] = {}
    for chunk in built.chunks:
        per_doc[chunk.doc_id] = per_doc.get(chunk.doc_id, 0) + 1
    return {
        "format": FORMAT_VERSION,
        "pipeline": PIPELINE_VERSION,
        "terms": TERMS_VERSION,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_seconds": round(report.seconds, 2),
        "corpus": str(corpus.resolve()),
        "catalog": catalog_hash(corpus),
        "lexicon": built.lexicon_files,
        "terms_lexicon": built.lexicon.fingerprint,
        "register": built.register.fingerprint,
        "kinds": built.kinds.fingerprint,
        "embedder": {"id": model.id, "dim": int(model.dim)},
        "settings": asdict(settings),
        "failed": failures_to_manifest(report.errors),
        "documents": {
            d.meta.doc_id: {"fingerprint": d.fingerprint, "chunks": per_doc.get(d.meta.doc_id, 0)}
            for d in built.docs
        },
        **({"backend": report.backend} if report.backend else {}),
        "counts": {
            "documents": len(built.docs),
            "chunks": len(built.chunks),
            "sentences": len(built.sentences.spans),
            "clauses": len(built.clauses.spans),
            "footnotes": sum(len(d.footnotes) for d in built.docs),
        },
    }
