"""The seed-corpus benchmark: a cold build, then warm latency of each search mode and of `ask`.

`ask` p50 is reported next to the p50 of embedding one query: the budget is ask ≤ 3 × embedding.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from tqdm import tqdm

from qa.answer.ask import ask
from qa.bench.measure import SEARCH_K, percentile_ms, timed
from qa.config import ASK_PASSAGES, Settings
from qa.index.build import build_index
from qa.index.embed import Embedder
from qa.search.searcher import MODES, Searcher


def _ask(searcher: Searcher, question: str, settings: Settings) -> None:
    ask(searcher, question, k=ASK_PASSAGES, mode="hybrid", settings=settings)


def latency(searcher: Searcher, questions: Sequence[str], progress: bool = False) -> dict[str, Any]:
    """Warm p50/p95 of each search mode and of ask, plus query-embedding p50, in ms."""
    settings = searcher.settings
    for mode in MODES:  # warm-up: model loaded, caches filled
        searcher.search(questions[0], k=SEARCH_K, mode=mode)
    runs: dict[str, list[float]] = {mode: [] for mode in (*MODES, "ask")}
    embed: list[float] = []
    for question in tqdm(questions, desc="latency", disable=not progress):
        # ask first: the searches would leave the question's terms and register
        # alternatives remembered, and a user's question is new to the process
        runs["ask"] += timed(partial(_ask, searcher, question, settings))
        for mode in MODES:
            runs[mode] += timed(partial(searcher.search, question, k=SEARCH_K, mode=mode))
        embed += timed(partial(searcher.embedder.embed_queries, [question]))
    p50 = {name: percentile_ms(values, 50) for name, values in runs.items()}
    embed_p50 = percentile_ms(embed, 50)
    return {
        "queries": len(questions),
        "embed_query_p50_ms": embed_p50,
        "ask_vs_embedding": round(p50["ask"] / max(embed_p50, 1e-9), 2),
        "p50_ms": p50,
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
