"""How fast is it: `qa bench` = the seed-corpus benchmark (`qa.bench.seed`) plus the synthetic
one at scale (`qa.bench.synthetic`), as one JSON-ready record and a printed summary.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from qa.bench.measure import machine, peak_rss_mb
from qa.bench.seed import bench_seed
from qa.bench.synthetic import NAIVE_QUERIES, bench_synthetic
from qa.config import Settings
from qa.evaluation.run import load_gold
from qa.index.embed import Embedder, load_embedder
from qa.search.searcher import MODES


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
    lines.append(
        f"  ask p50 / query embedding p50 = {s['ask_vs_embedding']:.2f} (budget: at most 3)"
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
