"""Does a backend rank like the local one? Gold-set Hit@5 and MRR@10 of `LocalBackend` and
`MilvusBackend` (Milvus Lite, filled from the same built index), each searched through
`qa.search.searcher.Searcher` itself (`qa bench --backend milvus` times them).

    python -m qa.evaluation.backends --index index/default --gold eval/gold.jsonl
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from qa.evaluation.run import GoldEvaluator, load_gold
from qa.evaluation.tune import CachedEmbedder
from qa.search.backends.from_index import fill_from_index
from qa.search.backends.local import LocalBackend
from qa.search.backends.milvus import MilvusBackend, is_server_uri
from qa.search.backends.protocol import LexicalQuery, SearchBackend
from qa.search.question_form import clean_query
from qa.search.searcher import MODES, Searcher

DEPTH = 10
BACKENDS = ("local", "milvus")


def fill_backend(name: str, searcher: Searcher, work: Path) -> SearchBackend:
    """`local` opens the index's own files; `milvus` is a Milvus Lite file filled from them."""
    s = searcher.settings
    if name == "local":
        return LocalBackend.from_index(searcher.index_dir, s.bm25_k1, s.bm25_b, s.hnsw_above)
    dim = int(searcher.manifest["embedder"]["dim"])
    backend = MilvusBackend(str(work / "milvus.db"), "gold", dim, s.bm25_k1, s.bm25_b)
    fill_from_index(backend, searcher.index_dir)
    return backend


def release(backend: SearchBackend) -> None:
    """Close `backend` before its temporary folder goes. A Milvus Lite file's embedded server
    is stopped too: left running, it flushes at exit and writes the folder back."""
    backend.close()
    if isinstance(backend, MilvusBackend) and not is_server_uri(backend.uri):
        from milvus_lite.server_manager import server_manager_instance

        server_manager_instance.release_server(backend.uri)


def query_of(searcher: Searcher, question: str) -> tuple[LexicalQuery, np.ndarray]:
    """The lexical and dense sides of a question, as the searcher builds them (without
    register alternatives: one lexical and one dense backend call per question)."""
    text = clean_query(question)
    vector = searcher.embedder.embed_queries([searcher.dense_query(text)])[0]
    return searcher.lexical_query(text), vector


def compare(index_dir: Path, gold: Path) -> dict[str, Any]:
    """Hit@5 and MRR@10 per backend and mode over the answerable gold questions, each
    backend searched through `Searcher` (register alternatives, sentence vectors, fusion,
    near-duplicate collapse: what `qa search` returns)."""
    local = Searcher(index_dir)
    embedder = CachedEmbedder(local.embedder)  # each question is embedded once
    items = [i for i in load_gold(gold) if i.answerable]
    result: dict[str, Any] = {"questions": len(items), "index": str(index_dir)}
    with tempfile.TemporaryDirectory(prefix="qa-backends-") as tmp:
        for name in BACKENDS:
            backend = fill_backend(name, local, Path(tmp))
            try:
                searcher = Searcher(index_dir, embedder=embedder, backend=backend)
                evaluator = GoldEvaluator(searcher, items, (1, 5, DEPTH))
                reports = {mode: evaluator.run_mode(mode).overall for mode in MODES}
            finally:
                release(backend)
            result[name] = {
                mode: {"hit@5": round(m.hit[5], 4), "mrr@10": round(m.mrr, 4)}
                for mode, m in reports.items()
            }
    result["largest_gap"] = round(
        max(
            abs(result["local"][m][key] - result["milvus"][m][key])
            for m in MODES
            for key in ("hit@5", "mrr@10")
        ),
        4,
    )
    return result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m qa.evaluation.backends", description=__doc__)
    parser.add_argument("--index", type=Path, default=Path("index/default"))
    parser.add_argument("--gold", type=Path, default=Path("eval/gold.jsonl"))
    args = parser.parse_args(argv)
    logging.getLogger("grpc._server").setLevel(logging.CRITICAL)  # Milvus Lite's probe noise
    sys.stdout.write(json.dumps(compare(args.index, args.gold), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
