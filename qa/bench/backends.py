"""`qa bench --backend milvus`: latency and memory of `LocalBackend` and `MilvusBackend`
holding the same passages, next to each other, each in a fresh interpreter.

The passages are the built index's own, or N synthetic ones resampled from it as the
synthetic benchmark makes them (`qa.bench.synthetic`); each backend is filled with one
`upsert` per 100-passage document and timed on one lexical and one dense top-10 call per
gold question, the queries made as `Searcher` makes them. Milvus Lite is slow to fill
(inserts through its embedded server), so `qa bench --backend milvus` defaults to 2,000.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from qa.bench.measure import BenchError, percentile_ms
from qa.bench.synthetic import compose_synthetic, seed_sentences
from qa.evaluation.backends import BACKENDS, DEPTH, fill_backend, query_of, release
from qa.evaluation.run import load_gold
from qa.index.store import load_vectors
from qa.models import Chunk, DocumentMeta
from qa.search.backends.local import LocalBackend
from qa.search.backends.milvus import MilvusBackend
from qa.search.backends.protocol import ChunkTerms, LexicalQuery, SearchBackend
from qa.search.searcher import Searcher

SYNTHETIC_DOC = 100  # passages per synthetic document (as qa.bench.synthetic)
MILVUS_SYNTHETIC = 2_000  # `qa bench --backend milvus` default: Milvus Lite fills slowly


def _timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def latency(
    backend: SearchBackend, queries: Sequence[tuple[LexicalQuery, np.ndarray]]
) -> dict[str, float]:
    """Warm p50/p95 of one lexical and one dense top-10 call, in ms."""
    backend.lexical(queries[0][0], DEPTH)
    backend.dense(queries[0][1], DEPTH)
    lexical = [_timed(partial(backend.lexical, q, DEPTH)) for q, _ in queries]
    dense = [_timed(partial(backend.dense, v, DEPTH)) for _, v in queries]
    return {
        "lexical_p50_ms": percentile_ms(lexical, 50),
        "lexical_p95_ms": percentile_ms(lexical, 95),
        "dense_p50_ms": percentile_ms(dense, 50),
        "dense_p95_ms": percentile_ms(dense, 95),
    }


def resident_mb() -> dict[str, float]:
    """Peak resident memory of this process and current memory of its child processes
    (Milvus Lite serves from a child process), from /proc."""

    def field(pid: str, name: str) -> float:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(name):
                return int(line.split()[1]) / 1024
        return 0.0

    children: list[str] = []
    for task in Path("/proc/self/task").iterdir():
        children += (task / "children").read_text().split()
    return {
        "python_peak_mb": round(field("self", "VmHWM"), 1),
        "children_rss_mb": round(sum(field(pid, "VmRSS") for pid in children), 1),
    }


def fill_synthetic(backend: SearchBackend, searcher: Searcher, n: int) -> float:
    """N passages resampled from the seed sentences as `qa bench` makes them; seconds."""
    seed = seed_sentences(searcher.chunks, searcher.segmenter)
    corpus = compose_synthetic(n, seed, load_vectors(searcher.index_dir))
    started = time.perf_counter()
    for first in range(0, n, SYNTHETIC_DOC):
        doc_id = f"syn{first // SYNTHETIC_DOC:05d}"
        meta = DocumentMeta(doc_id, doc_id, "2024-01", "synthetic", "", "")
        rows = range(first, min(first + SYNTHETIC_DOC, n))
        chunks = [Chunk(f"{doc_id}:{r}", doc_id, "", 0, 0, "") for r in rows]
        terms = [ChunkTerms(tuple(corpus.terms[r]), tuple(corpus.folded[r])) for r in rows]
        backend.upsert(meta, chunks, terms, corpus.vectors[first : first + len(rows)])
    return time.perf_counter() - started


def bench_one(
    name: str, index_dir: Path, synthetic: int, questions: Sequence[str]
) -> dict[str, Any]:
    """One backend in this process: fill (seed index, or N synthetic passages), then
    latency and memory. Run it in a fresh process per backend (`bench`)."""
    searcher = Searcher(index_dir)
    queries = [query_of(searcher, q) for q in questions]
    with tempfile.TemporaryDirectory(prefix="qa-backends-") as tmp:
        started = time.perf_counter()
        backend = _filled(name, searcher, synthetic, Path(tmp))
        try:
            backend.lexical(queries[0][0], DEPTH)  # the local backend builds its indexes here
            ready_s = time.perf_counter() - started
            result = {
                "backend": name,
                "passages": backend.stats()["chunks"],
                "ready_s": round(ready_s, 2),
            }
            result |= latency(backend, queries) | resident_mb()
            result["top"] = {
                "lexical": [[c for c, _ in backend.lexical(q, DEPTH)] for q, _ in queries],
                "dense": [[c for c, _ in backend.dense(v, DEPTH)] for _, v in queries],
            }
        finally:
            release(backend)
    return result


def _filled(name: str, searcher: Searcher, synthetic: int, work: Path) -> SearchBackend:
    """The seed index's passages (`synthetic` ≤ 0) or N synthetic ones in backend `name`."""
    if synthetic <= 0:
        return fill_backend(name, searcher, work)
    s = searcher.settings
    backend: SearchBackend = (
        LocalBackend(s.bm25_k1, s.bm25_b, s.hnsw_above)
        if name == "local"
        else MilvusBackend(
            str(work / "milvus.db"),
            "synthetic",
            int(searcher.manifest["embedder"]["dim"]),
            s.bm25_k1,
            s.bm25_b,
        )
    )
    fill_synthetic(backend, searcher, synthetic)
    return backend


def agreement(ours: list[list[str]], theirs: list[list[str]]) -> dict[str, float]:
    """Mean share of top-10 passages two backends have in common, and of equal first hits."""
    shared = [len(set(a) & set(b)) / max(1, len(a)) for a, b in zip(ours, theirs, strict=True)]
    first = [bool(a) and bool(b) and a[0] == b[0] for a, b in zip(ours, theirs, strict=True)]
    return {
        "overlap@10": round(float(np.mean(shared)), 3),
        "same_first": round(float(np.mean(first)), 3),
    }


def bench(
    index_dir: Path, synthetic: int, gold: Path, max_queries: int = 50
) -> list[dict[str, Any]]:
    """`bench_one` for each backend, each in a fresh interpreter (memory of its own)."""
    questions = [i.question for i in load_gold(gold)][:max_queries]
    results = []
    for name in BACKENDS:
        request = json.dumps(
            {"name": name, "index": str(index_dir), "synthetic": synthetic, "questions": questions}
        )
        done = subprocess.run(
            [sys.executable, "-c", "from qa.bench.backends import bench_child; bench_child()"],
            input=request,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise BenchError(f"{name} benchmark process failed: {done.stderr.strip()[-300:]}")
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    local, milvus = (r.pop("top") for r in results)
    milvus_result = results[1]
    for side in ("lexical", "dense"):
        milvus_result[f"{side}_vs_local"] = agreement(local[side], milvus[side])
    return results


def bench_child() -> None:
    """Child side of `bench`: request on stdin, one JSON line on stdout."""
    request = json.loads(sys.stdin.read())
    result = bench_one(
        request["name"], Path(request["index"]), request["synthetic"], request["questions"]
    )
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")


def backends_text(results: list[dict[str, Any]]) -> str:
    """The table `qa bench --backend milvus` prints."""
    lines = [
        f"{'backend':<8} {'passages':>8} {'ready s':>8} {'lexical p50/p95 ms':>19} "
        f"{'dense p50/p95 ms':>17} {'python peak MB':>14} {'children MB':>11}"
    ]
    for r in results:
        lines.append(
            f"{r['backend']:<8} {r['passages']:>8} {r['ready_s']:>8.2f} "
            f"{r['lexical_p50_ms']:>9.2f}/{r['lexical_p95_ms']:<9.2f} "
            f"{r['dense_p50_ms']:>8.2f}/{r['dense_p95_ms']:<8.2f} "
            f"{r['python_peak_mb']:>14.1f} {r['children_rss_mb']:>11.1f}"
        )
    for r in results[1:]:
        for side in ("lexical", "dense"):
            agree = r[f"{side}_vs_local"]
            lines.append(
                f"{r['backend']} {side} vs local: top-10 overlap {agree['overlap@10']:.3f}, "
                f"same first hit {agree['same_first']:.3f}"
            )
    return "\n".join(lines) + "\n"
