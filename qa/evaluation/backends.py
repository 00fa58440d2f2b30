"""Does a backend rank like the local one, and what does it cost? Gold-set metrics and
latency/memory of `LocalBackend` and `MilvusBackend` holding the same built index.

    python -m qa.evaluation.backends compare --index index/default --gold eval/gold.jsonl
    python -m qa.evaluation.backends bench --index index/default --synthetic 20000

Queries are made exactly as `qa.search.searcher.Searcher` makes them (`clean_query`,
`dense_query`, the segmenter and embedder of the index); rankings are compared before the
searcher's near-duplicate collapse, which is the same for every backend.
"""

from __future__ import annotations

import argparse
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

from qa.bench.measure import percentile_ms
from qa.bench.synthetic import compose_synthetic, seed_sentences
from qa.evaluation.run import GoldEvaluator, load_gold
from qa.index.store import load_vectors
from qa.models import Chunk, DocumentMeta
from qa.search.backends.from_index import fill_from_index
from qa.search.backends.local import LocalBackend
from qa.search.backends.milvus import MilvusBackend
from qa.search.backends.protocol import ChunkTerms, LexicalQuery, SearchBackend, lexical_query
from qa.search.fusion import reciprocal_rank_fusion
from qa.search.searcher import FOLDED_WEIGHT, Searcher, clean_query

DEPTH = 10
BACKENDS = ("local", "milvus")
SYNTHETIC_DOC = 100  # passages per synthetic document (as qa.bench.synthetic)


def fill_backend(name: str, searcher: Searcher, work: Path) -> SearchBackend:
    """`local` opens the index's own files; `milvus` is a Milvus Lite file filled from them."""
    s = searcher.settings
    if name == "local":
        return LocalBackend.from_index(searcher.index_dir, s.bm25_k1, s.bm25_b, s.hnsw_above)
    dim = int(searcher.manifest["embedder"]["dim"])
    backend = MilvusBackend(str(work / "milvus.db"), "gold", dim, s.bm25_k1, s.bm25_b)
    fill_from_index(backend, searcher.index_dir)
    return backend


def query_of(searcher: Searcher, question: str) -> tuple[LexicalQuery, np.ndarray]:
    """The lexical and dense sides of a question, as the searcher builds them."""
    text = clean_query(question)
    vector = searcher.embedder.embed_queries([searcher.dense_query(text)])[0]
    return lexical_query(text, searcher.segmenter, FOLDED_WEIGHT), vector


def rankings(
    backend: SearchBackend, query: LexicalQuery, vector: np.ndarray, searcher: Searcher
) -> dict[str, list[str]]:
    """bm25, dense and hybrid (RRF with the searcher's settings) chunk ids, best first."""
    s = searcher.settings
    limit = max(s.candidates, 3 * DEPTH)
    lexical = backend.lexical(query, limit)
    dense = backend.dense(vector, limit)
    row = {c.chunk_id: i for i, c in enumerate(searcher.chunks)}
    fused = reciprocal_rank_fusion(
        [[(row[c], v) for c, v in lexical], [(row[c], v) for c, v in dense]],
        s.rrf_k,
        (1 - s.dense_weight, s.dense_weight),
    )
    return {
        "bm25": [c for c, _ in lexical[:DEPTH]],
        "dense": [c for c, _ in dense[:DEPTH]],
        "hybrid": [searcher.chunks[r].chunk_id for r, _ in fused[:DEPTH]],
    }


def compare(index_dir: Path, gold: Path) -> dict[str, Any]:
    """Hit@5 and MRR@10 per backend and mode over the answerable gold questions."""
    searcher = Searcher(index_dir)
    items = [i for i in load_gold(gold) if i.answerable]
    evaluator = GoldEvaluator(searcher, items, (1, 5, DEPTH))
    by_id = {c.chunk_id: c for c in searcher.chunks}
    queries = [query_of(searcher, item.question) for item in items]
    result: dict[str, Any] = {"questions": len(items), "index": str(index_dir)}
    with tempfile.TemporaryDirectory(prefix="qa-backends-") as tmp:
        for name in BACKENDS:
            backend = fill_backend(name, searcher, Path(tmp))
            scores: dict[str, list[tuple[float, float]]] = {}
            for item, (query, vector) in zip(items, queries, strict=True):
                for mode, ids in rankings(backend, query, vector, searcher).items():
                    score = evaluator.score(item, [by_id[c] for c in ids])
                    scores.setdefault(mode, []).append((score.hit[5], score.rr))
            result[name] = {
                mode: {
                    "hit@5": round(float(np.mean([h for h, _ in pairs])), 4),
                    "mrr@10": round(float(np.mean([r for _, r in pairs])), 4),
                }
                for mode, pairs in scores.items()
            }
    result["largest_gap"] = max(
        abs(result["local"][m][key] - result["milvus"][m][key])
        for m in result["local"]
        for key in ("hit@5", "mrr@10")
    )
    return result


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
        if synthetic <= 0:
            backend = fill_backend(name, searcher, Path(tmp))
        else:
            s = searcher.settings
            backend = (
                LocalBackend(s.bm25_k1, s.bm25_b, s.hnsw_above)
                if name == "local"
                else MilvusBackend(
                    str(Path(tmp) / "milvus.db"),
                    "synthetic",
                    int(searcher.manifest["embedder"]["dim"]),
                    s.bm25_k1,
                    s.bm25_b,
                )
            )
            fill_synthetic(backend, searcher, synthetic)
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
    return result


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
            [sys.executable, "-m", "qa.evaluation.backends", "bench-one"],
            input=request,
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    local, milvus = (r.pop("top") for r in results)
    milvus_result = results[1]
    for side in ("lexical", "dense"):
        milvus_result[f"{side}_vs_local"] = agreement(local[side], milvus[side])
    return results


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m qa.evaluation.backends", description=__doc__)
    parser.add_argument("command", choices=("compare", "bench", "bench-one"))
    parser.add_argument("--index", type=Path, default=Path("index/default"))
    parser.add_argument("--gold", type=Path, default=Path("eval/gold.jsonl"))
    parser.add_argument("--synthetic", type=int, default=0, help="synthetic passages (0: seed)")
    args = parser.parse_args(argv)
    if args.command == "compare":
        out: Any = compare(args.index, args.gold)
    elif args.command == "bench":
        out = bench(args.index, args.synthetic, args.gold)
    else:
        request = json.loads(sys.stdin.read())
        out = bench_one(
            request["name"], Path(request["index"]), request["synthetic"], request["questions"]
        )
    sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
