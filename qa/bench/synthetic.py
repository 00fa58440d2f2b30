"""The synthetic benchmark: N passages resampled from the seed corpus, searched at scale.

Each seed sentence is segmented once and chunks are composed from its TOKENS, so no text is
segmented or embedded again; a chunk's vector is the mean of its sentences' seed-chunk vectors
plus Gaussian noise, L2-normalised (clustered like real text, unlike uniform random vectors).
The BM25 and FAISS indexes are built directly (HNSW above `Settings.hnsw_above`), saved in the
index layout and searched through `Searcher`, so the timed path is the real one. The same BM25
scoring is timed through plain `rank_bm25.BM25Okapi.get_scores` for a ratio.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from qa.bench.measure import (
    SEARCH_K,
    BenchError,
    folder_mb,
    peak_rss_mb,
    percentile_ms,
    timed,
    top_k,
)
from qa.config import Settings
from qa.index.chunk import sentence_spans
from qa.index.embed import Embedder, load_embedder
from qa.index.segment import Segmenter
from qa.index.store import (
    LEXICON,
    REGISTER,
    RESTORER,
    IndexContent,
    chunk_to_row,
    document_to_row,
    load_vectors,
    read_json,
    read_manifest,
    write_index,
    write_manifest,
)
from qa.models import Chunk, DocumentMeta, OcrReport
from qa.search.backends.protocol import LexicalQuery
from qa.search.searcher import MODES, Searcher

CHUNK_WORDS = (150, 200)
CHUNKS_PER_DOCUMENT = 100
VECTOR_NOISE = 0.02  # per-dimension standard deviation before normalising
NAIVE_QUERIES = 5
VECTORS_NOTE = (
    "mean of the seed-chunk vectors of the chunk's sentences + N(0, 0.02²) noise, L2-normalised;"
    " one sentence vector per passage (its own)"
)


@dataclass(frozen=True)
class SeedSentences:
    """Seed sentences segmented once: text, words, terms, folded terms, source chunk row."""

    texts: list[str]
    words: list[int]
    terms: list[list[str]]
    folded: list[list[str]]
    rows: np.ndarray


def seed_sentences(
    chunks: Sequence[Chunk], segmenter: Segmenter, progress: bool = False
) -> SeedSentences:
    texts: list[str] = []
    rows: list[int] = []
    seen: set[str] = set()
    for row, chunk in enumerate(chunks):
        for start, end in sentence_spans(chunk.text):
            sentence = " ".join(chunk.text[start:end].split())
            if len(sentence.split()) >= 3 and sentence not in seen:
                seen.add(sentence)
                texts.append(sentence)
                rows.append(row)
    terms = [segmenter.terms(t) for t in tqdm(texts, desc="segmenting", disable=not progress)]
    folded = [segmenter.folded_terms(t) for t in texts]
    return SeedSentences(texts, [len(t.split()) for t in texts], terms, folded, np.array(rows))


@dataclass
class SyntheticCorpus:
    texts: list[str]
    terms: list[list[str]]
    folded: list[list[str]]
    vectors: np.ndarray


def compose_synthetic(
    n: int, seed: SeedSentences, seed_vectors: np.ndarray, rng_seed: int = 0
) -> SyntheticCorpus:
    """N chunks of 150–200 words drawn at random from the seed sentences, tokens reused."""
    rng = np.random.default_rng(rng_seed)
    texts: list[str] = []
    terms: list[list[str]] = []
    folded: list[list[str]] = []
    members: list[int] = []
    bounds: list[int] = []
    count = len(seed.texts)
    for _ in range(n):
        target = int(rng.integers(CHUNK_WORDS[0], CHUNK_WORDS[1] + 1))
        picked: list[int] = []
        words = 0
        while words < target:
            i = int(rng.integers(count))
            picked.append(i)
            words += seed.words[i]
        bounds.append(len(members))
        members.extend(picked)
        texts.append(" ".join(seed.texts[i] for i in picked))
        terms.append([t for i in picked for t in seed.terms[i]])
        folded.append([t for i in picked for t in seed.folded[i]])
    sources = seed_vectors[seed.rows[np.asarray(members)]]
    sums = np.add.reduceat(sources, np.asarray(bounds), axis=0)
    sizes = np.diff(np.append(bounds, len(members)))[:, None]
    vectors = sums / sizes + rng.normal(0.0, VECTOR_NOISE, sums.shape).astype(np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return SyntheticCorpus(texts, terms, folded, np.ascontiguousarray(vectors, dtype=np.float32))


def write_synthetic_index(
    corpus: SyntheticCorpus, folder: Path, model: Embedder, settings: Settings, seed_index: Path
) -> dict[str, float]:
    """The index layout `Searcher` reads (written by `qa.index.store.write_index`), corpus-wide
    files (restorer, lexicon, register) taken from the seed index; seconds spent per part."""
    folder.mkdir(parents=True)
    docs, chunk_rows = [], []
    for first in range(0, len(corpus.texts), CHUNKS_PER_DOCUMENT):
        doc_id = f"syn{first // CHUNKS_PER_DOCUMENT:05d}"
        parts, offset = [], 0
        for i in range(first, min(first + CHUNKS_PER_DOCUMENT, len(corpus.texts))):
            text = corpus.texts[i]
            chunk = Chunk(f"{doc_id}:{offset}", doc_id, text, offset, offset + len(text), "")
            chunk_rows.append(chunk_to_row(chunk, hashlib.sha1(text.encode()).hexdigest()[:20]))
            parts.append(text)
            offset += len(text) + 2
        meta = DocumentMeta(doc_id, f"Synthetic {doc_id}", None, "synthetic", "", "")
        docs.append(document_to_row(meta, "\n\n".join(parts), (), OcrReport()))
    # one sentence row and one clause row per passage (its own vector): the sentence search
    # and clause paths run at full size without holding ~4 sentence (~15 clause) vectors per
    # synthetic passage in memory
    spans = np.asarray([(row, 0, len(t)) for row, t in enumerate(corpus.texts)], np.int32)
    corpus_wide = {name: read_json(seed_index / name) for name in (RESTORER, LEXICON, REGISTER)}
    content = IndexContent(
        document_rows=docs,
        chunk_rows=chunk_rows,
        terms=corpus.terms,
        folded=corpus.folded,
        vectors=corpus.vectors,
        sentence_spans=spans,
        sentence_vectors=corpus.vectors,
        clause_spans=spans,
        clause_vectors=corpus.vectors,
        restorer=corpus_wide[RESTORER],
        lexicon=corpus_wide[LEXICON],
        register=corpus_wide[REGISTER],
    )
    seconds: dict[str, float] = {}
    write_index(folder, content, settings.bm25_k1, settings.bm25_b, settings.hnsw_above, seconds)
    manifest = read_manifest(seed_index)
    manifest.update(
        corpus="synthetic",
        catalog="",
        embedder={"id": model.id, "dim": int(model.dim)},
        settings=asdict(settings),
        documents={},
        counts={"documents": len(docs), "chunks": len(chunk_rows), "footnotes": 0},
    )
    manifest.pop("backend", None)  # the synthetic index is searched locally
    write_manifest(folder, manifest)
    return seconds


def naive_bm25(terms: list[list[str]], queries: list[list[str]]) -> tuple[float, list[float]]:
    """rank_bm25's BM25Okapi on the same tokens: build seconds and per-query seconds."""
    from rank_bm25 import BM25Okapi

    started = time.perf_counter()
    naive = BM25Okapi(terms)
    build = time.perf_counter() - started
    runs = []
    for tokens in queries:
        runs += timed(partial(top_k, naive.get_scores, tokens))
    return build, runs


def measure_search(
    searcher: Searcher,
    questions: Sequence[str],
    query_terms: Sequence[list[str]],
    progress: bool = False,
) -> dict[str, Any]:
    """Warm p50/p95 of each mode, BM25 scoring alone, and this process's peak memory."""
    for mode in MODES:
        searcher.search(questions[0], k=SEARCH_K, mode=mode)
    runs: dict[str, list[float]] = {mode: [] for mode in MODES}
    for question in tqdm(questions, desc="search", disable=not progress):
        for mode in MODES:
            runs[mode] += timed(partial(searcher.search, question, k=SEARCH_K, mode=mode))
    ours = []
    for tokens in query_terms:
        query = LexicalQuery(accented=tuple(tokens))
        ours += timed(partial(searcher.backend.lexical, query, SEARCH_K), repeat=5)
    return {
        "hnsw": searcher.backend.stats().get("dense_index") == "hnsw",
        "p50_ms": {m: percentile_ms(v, 50) for m, v in runs.items()},
        "p95_ms": {m: percentile_ms(v, 95) for m, v in runs.items()},
        "bm25_scoring_p50_ms": percentile_ms(ours, 50),
        "peak_rss_mb": peak_rss_mb(),
        "serving_memory": "a fresh process that only loads the index and searches",
    }


def _serve_in_child(request: dict[str, Any]) -> dict[str, Any]:
    """Search timings and memory from a fresh interpreter, so the figure is what a server
    holding the index needs, not what building it took."""
    code = "from qa.bench.synthetic import serve_child; serve_child()"
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"search benchmark process failed: {done.stderr.strip()[-300:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def serve_child() -> None:
    """Child side of `_serve_in_child`: request on stdin, measurements on stdout."""
    request = json.loads(sys.stdin.read())
    settings = Settings().updated(request["settings"])
    searcher = Searcher(
        Path(request["index"]), embedder=load_embedder(request["embedder"]), settings=settings
    )
    result = measure_search(searcher, request["questions"], request["terms"])
    sys.stdout.write(json.dumps(result))


def bench_synthetic(
    n: int,
    seed_searcher: Searcher,
    model: Embedder,
    questions: Sequence[str],
    work: Path,
    settings: Settings | None = None,
    naive_queries: int = NAIVE_QUERIES,
    progress: bool = False,
    embedder_spec: str | None = None,
) -> dict[str, Any]:
    """Build an N-chunk index from seed tokens, time the three modes and naive BM25.

    With `embedder_spec` the searches run in a fresh process (serving memory); with only an
    embedder object (tests) they run here, and memory includes the build.
    """
    settings = settings or seed_searcher.settings
    started = time.perf_counter()
    seed = seed_sentences(seed_searcher.chunks, seed_searcher.segmenter, progress)
    corpus = compose_synthetic(n, seed, load_vectors(seed_searcher.index_dir))
    compose_s = time.perf_counter() - started
    folder = work / "synthetic"
    parts = write_synthetic_index(corpus, folder, model, settings, seed_searcher.index_dir)
    query_terms = [seed_searcher.segmenter.terms(q) for q in questions[:naive_queries]]
    query_terms = [[t for t in terms if t] for terms in query_terms]
    request = {"index": str(folder), "questions": list(questions), "settings": asdict(settings)}
    if isinstance(embedder_spec, str):
        served = _serve_in_child({**request, "embedder": embedder_spec, "terms": query_terms})
    else:
        searcher = Searcher(folder, embedder=model, settings=settings)
        served = measure_search(searcher, questions, query_terms, progress)
        served["serving_memory"] = "this process, including the synthetic build"
        del searcher
    result: dict[str, Any] = {
        "chunks": n,
        "vectors": VECTORS_NOTE,
        "seed_sentences": len(seed.texts),
        "compose_s": round(compose_s, 2),
        **{k: round(v, 2) for k, v in parts.items()},
        **served,
        "build_peak_rss_mb": peak_rss_mb(),
        "index_mb": folder_mb(folder),
        "index_files_mb": {
            p.name: folder_mb(p) if p.is_dir() else round(p.stat().st_size / 1e6, 1)
            for p in sorted(folder.iterdir())
        },
    }
    naive_build, naive = naive_bm25(corpus.terms, query_terms)
    result["naive_build_s"] = round(naive_build, 2)
    result["naive_queries"] = len(naive)
    result["naive_bm25_p50_ms"] = percentile_ms(naive, 50)
    result["bm25_vs_naive"] = round(
        result["bm25_scoring_p50_ms"] / max(result["naive_bm25_p50_ms"], 1e-9), 5
    )
    return result
