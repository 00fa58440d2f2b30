"""Benchmark functions at a tiny size: the JSON keys exist and every figure is positive."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from helpers import CountingEmbedder

from qa.bench.backends import backends_text
from qa.bench.backends import bench as bench_backends
from qa.bench.measure import percentile_ms
from qa.bench.run import bench_json, bench_text, run_bench
from qa.config import Settings

if TYPE_CHECKING:
    from conftest import BuiltIndex

ROOT = Path(__file__).resolve().parents[1]
MODES = ("bm25", "dense", "hybrid")


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    corpus = tmp_path_factory.mktemp("bench") / "corpus"
    corpus.mkdir()
    shutil.copy(ROOT / "corpus" / "004_75266ca73367f016.txt", corpus)
    return run_bench(
        corpus,
        synthetic=300,
        embedder=CountingEmbedder(),
        gold=ROOT / "eval" / "gold.jsonl",
        settings=Settings(hnsw_above=100),  # 300 passages: exercise the HNSW path too
        max_queries=6,
        naive_queries=2,
    )


def test_seed_keys_and_positive_figures(result: dict[str, Any]) -> None:
    seed = result["seed"]
    for key in ("chunks", "build_s", "passages_per_s", "embed_query_p50_ms"):
        assert seed[key] > 0, key
    for name in (*MODES, "ask"):
        assert seed["p50_ms"][name] > 0 and seed["p95_ms"][name] >= seed["p50_ms"][name]
    assert seed["queries"] == 6
    ratio = seed["p50_ms"]["ask"] / seed["embed_query_p50_ms"]
    assert abs(seed["ask_vs_embedding"] - ratio) < 0.01  # the printed budget figure is this ratio


def test_synthetic_keys_and_positive_figures(result: dict[str, Any]) -> None:
    synthetic = result["synthetic"]
    assert synthetic["chunks"] == 300 and synthetic["hnsw"] is True
    assert "noise" in synthetic["vectors"]
    for name in MODES:
        assert synthetic["p50_ms"][name] > 0
    for key in (
        "naive_bm25_p50_ms",
        "bm25_scoring_p50_ms",
        "peak_rss_mb",
        "index_mb",
        "bm25_vs_naive",
    ):
        assert synthetic[key] > 0, key
    assert {"bm25", "bm25_folded", "dense.faiss", "chunks.jsonl"} <= set(
        synthetic["index_files_mb"]
    )


def test_outputs_are_json_and_text(result: dict[str, Any]) -> None:
    assert json.loads(bench_json(result))["machine"]["nproc"] >= 1
    text = bench_text(result)
    assert "ours/naive" in text and "passages/s" in text
    assert f"query embedding p50 = {result['seed']['ask_vs_embedding']:.2f}" in text


def test_percentiles_in_milliseconds() -> None:
    assert percentile_ms([0.001, 0.002, 0.003], 50) == 2.0
    assert percentile_ms([], 50) == 0.0


@pytest.mark.slow
def test_milvus_is_timed_next_to_local_on_the_same_synthetic_passages(
    built_index: BuiltIndex,
) -> None:
    results = bench_backends(built_index.index, 300, ROOT / "eval" / "gold.jsonl", max_queries=5)
    assert [r["backend"] for r in results] == ["local", "milvus"]
    for r in results:
        assert r["passages"] == 300 and r["python_peak_mb"] > 0
        for side in ("lexical", "dense"):
            assert 0 < r[f"{side}_p50_ms"] <= r[f"{side}_p95_ms"], (r["backend"], side)
    milvus = results[1]
    assert milvus["dense_vs_local"]["overlap@10"] >= 0.9  # the same vectors, exact at 300
    assert 0 <= milvus["lexical_vs_local"]["overlap@10"] <= 1
    table = backends_text(results)
    assert table.splitlines()[1].startswith("local") and "milvus dense vs local" in table
