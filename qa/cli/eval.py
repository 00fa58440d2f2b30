"""`qa eval` and `qa bench`: thin argparse faces over `qa.evaluation` and `qa.bench`.

`qa/cli/main.py` calls `register_eval(subparsers)` and `register_bench(subparsers)`; each command
sets `func(args) -> int`. Errors are `QAError`s, which the main CLI turns into one line.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from qa.answer.abstention import DEFAULT_MODEL
from qa.cli.options import add_settings_option, backend_token, settings_from_args
from qa.config import DEFAULT_CORPUS, DEFAULT_EMBEDDER, DEFAULT_INDEX
from qa.errors import ConfigError
from qa.evaluation.run import (
    DEFAULT_KS,
    SPLIT_CHOICES,
    parse_ks,
    run_eval,
    summary_dict,
    terminal_summary,
)
from qa.search.searcher import MODES

DEFAULT_GOLD = Path("eval/gold.jsonl")
DEFAULT_RESULTS = Path("eval/results")


def parse_modes(text: str) -> tuple[str, ...]:
    """`"bm25,hybrid"` → ("bm25", "hybrid"); unknown names are a ConfigError."""
    modes = tuple(dict.fromkeys(m.strip() for m in text.split(",") if m.strip()))
    unknown = [m for m in modes if m not in MODES]
    if unknown or not modes:
        raise ConfigError(
            f"unknown mode {unknown[0] if unknown else text!r}; use {', '.join(MODES)}"
        )
    return modes


def register_eval(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Add `qa eval`: gold-set metrics per mode and type, or a BEIR dataset with --beir."""
    parser = subparsers.add_parser(
        "eval",
        help="measure retrieval and answers on the gold set (or a BEIR dataset)",
        description=(
            "Hit@k, Recall@k, MRR@10 and nDCG@10 per mode and question type, answer accuracy, "
            "citation precision, abstention, answer length and reliability, each reported for "
            "the held-out and the tuning split; writes JSON, a markdown report and a plot to "
            "--out."
        ),
    )
    parser.add_argument(
        "--gold", type=Path, default=DEFAULT_GOLD, help="gold questions (JSON Lines)"
    )
    parser.add_argument(
        "--split",
        choices=SPLIT_CHOICES,
        default="all",
        metavar="SPLIT",
        help="tune (what tuning may use) | heldout | all (default: %(default)s)",
    )
    parser.add_argument(
        "--modes", default=",".join(MODES), help="comma-separated: bm25,dense,hybrid"
    )
    parser.add_argument(
        "--k",
        dest="ks",
        default=",".join(map(str, DEFAULT_KS)),
        help="cut-offs for Hit@k and Recall@k (default: %(default)s)",
    )
    parser.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="index folder")
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus the index must match"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_RESULTS, help="results folder")
    parser.add_argument(
        "--calibrate",
        action="store_true",
        help="sweep the abstention threshold on the tune split and print precision/recall",
    )
    parser.add_argument(
        "--fit-abstention",
        type=Path,
        nargs="?",
        const=DEFAULT_MODEL,
        metavar="FILE",
        help="fit the abstention model on the tune split, write its weights (default: the "
        "packaged qa/data/abstention.json) and print its cross-validated reliability",
    )
    parser.add_argument(
        "--beir", type=Path, metavar="DIR", help="evaluate on a BEIR folder instead of the gold set"
    )
    parser.add_argument(
        "--embedder",
        default=None,
        help=f"embedder id for --beir (default {DEFAULT_EMBEDDER}); must match the index otherwise",
    )
    add_settings_option(parser)
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.set_defaults(func=cmd_eval)
    return parser


def register_bench(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Add `qa bench`: build and query latency on the seed corpus and a synthetic corpus."""
    parser = subparsers.add_parser(
        "bench",
        help="time index build and queries (seed corpus + synthetic scale)",
        description=(
            "Cold build and warm query latency on the seed corpus (real embedder), then p50 "
            "latency, memory and index size on a synthetic corpus resampled from it, with plain "
            "rank_bm25 as a baseline."
        ),
    )
    parser.add_argument(
        "--synthetic",
        type=int,
        default=None,
        metavar="N",
        help="synthetic passages (0: skip; default 100000, or 2000 with --backend milvus)",
    )
    parser.add_argument(
        "--backend",
        choices=("local", "milvus"),
        default="local",
        help="milvus: lexical/dense latency and memory of Milvus Lite next to the local "
        "backend, both holding the --index passages or N synthetic ones (default: %(default)s)",
    )
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="seed corpus (built cold in a temp dir)"
    )
    parser.add_argument(
        "--index",
        type=Path,
        default=None,
        help="measure warm latency on this existing index instead of the fresh build "
        "(--backend milvus: the index whose passages both hold; default index/default)",
    )
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="questions to time")
    parser.add_argument(
        "--ocr",
        type=int,
        nargs="?",
        const=6,
        default=None,
        metavar="PAGES",
        help="instead: OCR quality on PAGES rendered, degraded seed pages (default 6) at 200 "
        "and 300 dpi: character error rate and invalid syllables before/after repair, pages/s",
    )
    parser.add_argument("--embedder", default=DEFAULT_EMBEDDER, help="embedder id")
    add_settings_option(parser)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.set_defaults(func=cmd_bench)
    return parser


def _fit_abstention(searcher: Any, gold: Path, out: Path) -> int:
    from qa.answer.abstention_fit import fit_from_gold

    fitted = fit_from_gold(searcher, gold, out)
    model = fitted.model
    sys.stdout.write(
        f"fitted on {fitted.questions} tune questions ({fitted.answerable} answerable), "
        f"C={model.info['C']:.3g}; wrote {out}\n"
        + "".join(f"  {n:18s} {c:+.3f}\n" for n, c in zip(model.features, model.coef, strict=True))
        + "out-of-fold reliability (confidence bin: questions, mean confidence, accuracy):\n"
        + "".join(
            f"  {r.low:.1f}–{r.high:.1f}: {r.n:3d}  {r.mean_confidence:.3f}  {r.accuracy:.3f}\n"
            for r in fitted.reliability
        )
        + f"expected calibration error: {fitted.calibration_error:.3f}\n"
        + f"suggested abstain_below (≤ 5% answerable abstentions): {fitted.threshold:.2f}\n"
    )
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    ks = parse_ks(args.ks)
    settings = settings_from_args(args)
    modes = parse_modes(args.modes)
    if args.beir is not None:
        from qa.evaluation.beir import beir_dict, beir_table, run_beir

        beir = run_beir(
            args.beir,
            args.embedder or DEFAULT_EMBEDDER,
            modes,
            ks,
            settings,
            progress=not args.json and sys.stderr.isatty(),
        )
        sys.stdout.write(
            json.dumps(beir_dict(beir), ensure_ascii=False, indent=1) + "\n"
            if args.json
            else beir_table(beir)
        )
        return 0
    from qa.index.embed import load_embedder
    from qa.index.freshness import check_corpus
    from qa.search.searcher import Searcher

    embedder = load_embedder(args.embedder) if args.embedder else None
    searcher = Searcher(
        args.index, embedder=embedder, settings=settings, backend_token=backend_token()
    )
    if args.corpus is not None and args.corpus.is_dir():
        check_corpus(searcher.index_dir, searcher.manifest, args.corpus)
    if args.fit_abstention is not None:
        return _fit_abstention(searcher, args.gold, args.fit_abstention)
    report = run_eval(
        args.index,
        args.gold,
        modes,
        ks,
        args.out,
        split=args.split,
        calibrate=args.calibrate,
        searcher=searcher,
        settings=settings,
        progress=not args.json and sys.stderr.isatty(),
    )
    sys.stdout.write(
        json.dumps(summary_dict(report), ensure_ascii=False, indent=1) + "\n"
        if args.json
        else terminal_summary(report)
    )
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from qa.bench.run import bench_json, bench_text, run_bench

    if args.ocr is not None:
        from qa.bench.ocr import ocr_bench_text, run_ocr_bench

        if args.ocr < 1:
            raise ConfigError("--ocr needs at least 1 page")
        ocr = run_ocr_bench(args.corpus, args.ocr, settings_from_args(args))
        sys.stdout.write(json.dumps(ocr, indent=1) + "\n" if args.json else ocr_bench_text(ocr))
        return 0
    if args.synthetic is not None and args.synthetic < 0:
        raise ConfigError("--synthetic must be 0 (skip) or a number of passages")
    if args.backend == "milvus":
        return _bench_backends(args)
    synthetic = 100_000 if args.synthetic is None else args.synthetic
    index = args.index if args.index is not None and args.index.exists() else None
    result = run_bench(
        args.corpus,
        synthetic,
        args.embedder,
        gold=args.gold,
        index_dir=index,
        settings=settings_from_args(args),
        progress=not args.json and sys.stderr.isatty(),
    )
    sys.stdout.write(bench_json(result) if args.json else bench_text(result))
    return 0


def _bench_backends(args: argparse.Namespace) -> int:
    """`qa bench --backend milvus`: both backends over the same passages, side by side."""
    from qa.bench.backends import MILVUS_SYNTHETIC, backends_text, bench
    from qa.index.store import read_manifest

    index = args.index or DEFAULT_INDEX
    read_manifest(index)  # a missing or stale index: one line, before any child process
    synthetic = MILVUS_SYNTHETIC if args.synthetic is None else args.synthetic
    results = bench(index, synthetic, args.gold)
    sys.stdout.write(json.dumps(results, indent=1) + "\n" if args.json else backends_text(results))
    return 0
