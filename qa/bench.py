"""How fast is it: index build and query latency on the seed corpus, and at synthetic scale.

Seed: a cold build in a temporary folder (real embedder), then warm p50/p95 latency of
`bm25`, `dense`, `hybrid` search and of `ask` (`qa.ask.ask`: search + short answer) over the gold
questions, and the p50 of embedding one query.

Synthetic: N chunks of 150–200 words resampled from the seed corpus's sentences. Each seed
sentence is segmented once and chunks are composed from its TOKENS, so no text is segmented
or embedded again; a chunk's vector is the mean of its sentences' seed-chunk vectors plus
Gaussian noise, L2-normalised (clustered like real text, unlike uniform random vectors).
The BM25 and FAISS indexes are built directly (HNSW above `Settings.hnsw_above`), saved in
the index layout and searched through `Searcher`, so the timed path is the real one. The
same BM25 scoring is timed through plain `rank_bm25.BM25Okapi.get_scores` for a ratio.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from qa.ask import ask
from qa.chunk import sentence_spans
from qa.config import Settings
from qa.dense import DenseIndex
from qa.embed import Embedder, load_embedder
from qa.errors import QAError
from qa.evaluate import ASK_K, load_gold
from qa.index import build_index
from qa.lexical import LexicalIndex
from qa.models import Chunk, DocumentMeta, OcrReport
from qa.retrieve import MODES, Searcher
from qa.segment import Segmenter
from qa.sentences import EmbeddedSentences, write_sentences
from qa.store import (
    MANIFEST,
    TERMS,
    chunk_to_row,
    document_to_row,
    load_vectors,
    write_json,
    write_jsonl,
)

log = logging.getLogger(__name__)
CHUNK_WORDS = (150, 200)
CHUNKS_PER_DOCUMENT = 100
VECTOR_NOISE = 0.02  # per-dimension standard deviation before normalising
NAIVE_QUERIES = 5
SEARCH_K = 10
VECTORS_NOTE = (
    "mean of the seed-chunk vectors of the chunk's sentences + N(0, 0.02²) noise, L2-normalised;"
    " one sentence vector per passage (its own)"
)


class BenchError(QAError):
    """A benchmark step could not run (its message says which)."""


def percentile_ms(seconds: Sequence[float], q: float) -> float:
    """The q-th percentile of durations in seconds, as milliseconds."""
    return round(float(np.percentile(np.asarray(seconds) * 1000.0, q)), 3) if seconds else 0.0


def timed(call: Callable[[], object], repeat: int = 1) -> list[float]:
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        durations.append(time.perf_counter() - started)
    return durations


def machine() -> dict[str, Any]:
    """nproc, RAM, CPU model and date, for the benchmark record."""
    cpu = platform.processor() or platform.machine()
    ram_gb = 0.0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count() or 1,
        "cpu": cpu,
        "ram_gb": ram_gb,
        "python": platform.python_version(),
        "date": date.today().isoformat(),
    }


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far.

    Linux's VmHWM belongs to this program's own memory; ru_maxrss would carry over the
    parent's peak into a child started from it (it survives fork and exec).
    """
    status = Path("/proc/self/status")
    if status.exists():
        match = re.search(r"^VmHWM:\s+(\d+) kB", status.read_text(), re.MULTILINE)
        if match:
            return round(int(match.group(1)) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def folder_mb(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6, 1)


# ---------------------------------------------------------------------------------------------
# Seed corpus


def _ask(searcher: Searcher, question: str, settings: Settings) -> None:
    ask(searcher, question, k=ASK_K, mode="hybrid", settings=settings)


def _top(score: Callable[[list[str]], np.ndarray], tokens: list[str]) -> np.ndarray:
    """Score every passage and pick the best SEARCH_K, as a search does."""
    scores = np.asarray(score(tokens))
    k = min(SEARCH_K, len(scores) - 1)
    return np.argpartition(-scores, k)[:k]


def latency(searcher: Searcher, questions: Sequence[str], progress: bool = False) -> dict[str, Any]:
    """Warm p50/p95 of each search mode and of ask, plus query-embedding p50, in ms."""
    settings = searcher.settings
    for mode in MODES:  # warm-up: model loaded, caches filled
        searcher.search(questions[0], k=SEARCH_K, mode=mode)
    runs: dict[str, list[float]] = {mode: [] for mode in (*MODES, "ask")}
    embed: list[float] = []
    for question in tqdm(questions, desc="latency", disable=not progress):
        for mode in MODES:
            runs[mode] += timed(partial(searcher.search, question, k=SEARCH_K, mode=mode))
        runs["ask"] += timed(partial(_ask, searcher, question, settings))
        embed += timed(partial(searcher.embedder.embed_queries, [question]))
    return {
        "queries": len(questions),
        "embed_query_p50_ms": percentile_ms(embed, 50),
        "p50_ms": {name: percentile_ms(values, 50) for name, values in runs.items()},
        "p95_ms": {name: percentile_ms(values, 95) for name, values in runs.items()},
    }


def bench_seed(
    corpus: Path,
    model: Embedder,
    questions: Sequence[str],
    work: Path,
    settings: Settings | None = None,
    index_dir: Path | None = None,
    progress: bool = False,
) -> tuple[dict[str, Any], Searcher]:
    """Cold build into `work/seed`, then latency on it (or on `index_dir` when given)."""
    report = build_index(corpus, work / "seed", model, settings, progress=progress)
    searcher = Searcher(index_dir or work / "seed", embedder=model, settings=settings)
    result = {
        "corpus": str(corpus),
        "embedder": model.id,
        "documents": report.documents,
        "chunks": report.chunks,
        "build_s": round(report.seconds, 3),
        "embed_s": round(report.embed_seconds, 3),
        "passages_per_s": round(report.chunks / max(report.seconds, 1e-9), 2),
        "latency_index": str(index_dir or "fresh build"),
    }
    return result | latency(searcher, questions, progress), searcher


# ---------------------------------------------------------------------------------------------
# Synthetic corpus


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
    """The index layout `Searcher` reads, corpus-wide files copied from the seed index;
    returns seconds spent per part."""
    folder.mkdir(parents=True)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
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
    write_jsonl(folder / "documents.jsonl", docs)
    write_jsonl(folder / "chunks.jsonl", chunk_rows)
    write_jsonl(
        folder / TERMS,
        [{"terms": t, "folded": f} for t, f in zip(corpus.terms, corpus.folded, strict=True)],
    )
    seconds["write_s"] = time.perf_counter() - started
    started = time.perf_counter()
    LexicalIndex.build(corpus.terms, settings.bm25_k1, settings.bm25_b).save(folder / "bm25")
    LexicalIndex.build(corpus.folded, settings.bm25_k1, settings.bm25_b).save(
        folder / "bm25_folded"
    )
    seconds["bm25_build_s"] = time.perf_counter() - started
    started = time.perf_counter()
    np.save(folder / "vectors.npy", corpus.vectors, allow_pickle=False)
    DenseIndex.build(corpus.vectors, settings.hnsw_above).save(folder / "dense.faiss")
    # one sentence row per passage (its own vector): the sentence search path runs at full
    # size without holding ~4 sentence vectors per synthetic passage in memory
    spans = np.asarray([(row, 0, len(t)) for row, t in enumerate(corpus.texts)], np.int32)
    write_sentences(folder, EmbeddedSentences(spans, corpus.vectors, 0), settings.hnsw_above)
    seconds["dense_build_s"] = time.perf_counter() - started
    for extra in seed_index.glob("*.json"):  # restorer, lexicon, …: corpus-wide, kept as is
        if extra.name != MANIFEST:
            shutil.copyfile(extra, folder / extra.name)
    manifest = json.loads((seed_index / MANIFEST).read_text(encoding="utf-8"))
    manifest.update(
        corpus="synthetic",
        catalog="",
        embedder={"id": model.id, "dim": int(model.dim)},
        settings=asdict(settings),
        documents={},
        counts={"documents": len(docs), "chunks": len(chunk_rows), "footnotes": 0},
    )
    write_json(folder / MANIFEST, manifest)
    return seconds


def naive_bm25(terms: list[list[str]], queries: list[list[str]]) -> tuple[float, list[float]]:
    """rank_bm25's BM25Okapi on the same tokens: build seconds and per-query seconds."""
    from rank_bm25 import BM25Okapi

    started = time.perf_counter()
    naive = BM25Okapi(terms)
    build = time.perf_counter() - started
    runs = []
    for tokens in queries:
        runs += timed(partial(_top, naive.get_scores, tokens))
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
        ours += timed(partial(_top, searcher.lexical.scores, tokens), repeat=5)
    return {
        "hnsw": searcher.dense.is_hnsw,
        "p50_ms": {m: percentile_ms(v, 50) for m, v in runs.items()},
        "p95_ms": {m: percentile_ms(v, 95) for m, v in runs.items()},
        "bm25_scoring_p50_ms": percentile_ms(ours, 50),
        "peak_rss_mb": peak_rss_mb(),
        "serving_memory": "a fresh process that only loads the index and searches",
    }


def _serve_in_child(request: dict[str, Any]) -> dict[str, Any]:
    """Search timings and memory from a fresh interpreter, so the figure is what a server
    holding the index needs, not what building it took."""
    code = "from qa.bench import serve_child; serve_child()"
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


# ---------------------------------------------------------------------------------------------
# Both


def run_bench(
    corpus: Path,
    synthetic: int = 100_000,
    embedder: Embedder | str = "e5-small",
    gold: Path = Path("eval/gold.jsonl"),
    index_dir: Path | None = None,
    settings: Settings | None = None,
    max_queries: int | None = None,
    naive_queries: int = NAIVE_QUERIES,
    progress: bool = False,
) -> dict[str, Any]:
    """The whole benchmark as one JSON-ready dict (keys documented in eval/README.md)."""
    model = load_embedder(embedder) if isinstance(embedder, str) else embedder
    questions = [item.question for item in load_gold(gold)][:max_queries]
    result: dict[str, Any] = {"machine": machine()}
    with tempfile.TemporaryDirectory(prefix="qa-bench-") as tmp:
        work = Path(tmp)
        result["seed"], searcher = bench_seed(
            corpus, model, questions, work, settings, index_dir, progress
        )
        if synthetic > 0:
            result["synthetic"] = bench_synthetic(
                synthetic,
                searcher,
                model,
                questions,
                work,
                settings,
                naive_queries,
                progress,
                embedder if isinstance(embedder, str) else None,
            )
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def bench_text(result: dict[str, Any]) -> str:
    """The human summary `qa bench` prints."""
    m, s = result["machine"], result["seed"]
    lines = [
        f"machine: {m['cpu']}, {m['nproc']} CPUs, {m['ram_gb']} GB RAM, "
        f"Python {m['python']}, {m['date']}",
        f"seed corpus: {s['documents']} documents, {s['chunks']} passages, "
        f"embedder {s['embedder']}",
        f"  cold build {s['build_s']:.1f} s (embedding {s['embed_s']:.1f} s), "
        f"{s['passages_per_s']:.1f} passages/s",
        f"  query embedding p50 {s['embed_query_p50_ms']:.1f} ms over {s['queries']} questions",
    ]
    for name in (*MODES, "ask"):
        lines.append(
            f"  {name:<7} p50 {s['p50_ms'][name]:8.2f} ms   p95 {s['p95_ms'][name]:8.2f} ms"
        )
    if "synthetic" in result:
        y = result["synthetic"]
        built = y["compose_s"] + y["write_s"] + y["bm25_build_s"] + y["dense_build_s"]
        speedup = 1 / max(y["bm25_vs_naive"], 1e-9)
        lines += [
            f"synthetic: {y['chunks']} passages from {y['seed_sentences']} seed sentences "
            f"({'HNSW' if y['hnsw'] else 'flat'} dense index)",
            f"  vectors: {y['vectors']}",
            f"  built in {built:.1f} s "
            f"(compose {y['compose_s']} s, write {y['write_s']} s, BM25 {y['bm25_build_s']} s, "
            f"dense {y['dense_build_s']} s); index {y['index_mb']} MB on disk",
        ]
        for name in MODES:
            lines.append(
                f"  {name:<7} p50 {y['p50_ms'][name]:8.2f} ms   p95 {y['p95_ms'][name]:8.2f} ms"
            )
        lines += [
            f"  BM25 scoring p50: ours {y['bm25_scoring_p50_ms']:.2f} ms, rank_bm25 "
            f"{y['naive_bm25_p50_ms']:.1f} ms over {y['naive_queries']} queries "
            f"→ ours/naive = {y['bm25_vs_naive']:.4f} ({speedup:.0f}× faster)",
            f"  peak resident memory {y['peak_rss_mb']} MB while searching "
            f"({y['serving_memory']}); {y['build_peak_rss_mb']} MB while building",
        ]
    lines.append(f"process peak resident memory {result['peak_rss_mb']} MB")
    return "\n".join(lines) + "\n"


def bench_json(result: dict[str, Any]) -> str:
    return json.dumps(result, ensure_ascii=False, indent=1) + "\n"
