"""Measure retrieval and answers against the gold set `eval/gold.jsonl`: `qa eval`.

Every question of the chosen split runs once per retrieval mode (bm25, dense, hybrid:
Hit@k, Recall@k, MRR@10, nDCG@10 over answerable questions) and once through `ask` (hybrid
retrieval + `qa.answer.ask.ask`: accuracy, citation precision, abstention, answer length,
reliability). The figures are then reported per split — `heldout`, `tune`, `all` — from the
same answers. The abstention sweep (`--calibrate`) only ever looks at the `tune` split.

The work is split by job, in `qa.evaluation`: `gold` (gold file, relevance), `ranking`,
`answers`, `answer_stats` (metrics), `results` (per-split views), `tables` and `report`
(output). The names callers used from this module are re-exported here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from tqdm import tqdm

from qa.answer.ask import ask
from qa.config import ASK_PASSAGES, Settings
from qa.evaluation.answers import (
    AskMetrics,
    AskReport,
    AskResult,
    answer_correct,
    answer_form,
    ask_metrics,
    calibration_sweep,
    choose_threshold,
)
from qa.evaluation.gold import (
    FUZZY_RATIO,
    SPLIT_CHOICES,
    TYPES,
    EvalError,
    GoldItem,
    RelevanceJudge,
    comparable,
    load_gold,
    partial_ratio,
    select_split,
    spans_in_passage,
)
from qa.evaluation.ranking import (
    DEFAULT_KS,
    RANK_DEPTH,
    REPORT_K,
    Metrics,
    ModeReport,
    QuestionScore,
    hit_at_k,
    mean_metrics,
    mode_report,
    ndcg_at_k,
    recall_at_k,
    reciprocal_rank,
    score_ranking,
)
from qa.evaluation.report import metrics_dict, summary_dict, write_reports
from qa.evaluation.results import EvalReport, split_reports
from qa.evaluation.tables import render_table, shorten, terminal_summary
from qa.index.embed import Embedder
from qa.index.store import DOCUMENTS, read_jsonl
from qa.models import Chunk
from qa.search.searcher import Searcher

__all__ = [
    "DEFAULT_KS",
    "FUZZY_RATIO",
    "RANK_DEPTH",
    "REPORT_K",
    "SPLIT_CHOICES",
    "TYPES",
    "AskMetrics",
    "AskReport",
    "AskResult",
    "EvalError",
    "EvalReport",
    "GoldEvaluator",
    "GoldItem",
    "Metrics",
    "ModeReport",
    "QuestionScore",
    "RelevanceJudge",
    "answer_correct",
    "answer_form",
    "ask_metrics",
    "calibration_sweep",
    "choose_threshold",
    "comparable",
    "fuzzy_documents",
    "hit_at_k",
    "load_gold",
    "mean_metrics",
    "metrics_dict",
    "mode_report",
    "ndcg_at_k",
    "parse_ks",
    "partial_ratio",
    "recall_at_k",
    "reciprocal_rank",
    "render_table",
    "run_eval",
    "score_ranking",
    "spans_in_passage",
    "summary_dict",
    "terminal_summary",
]

log = logging.getLogger(__name__)

REPORTED_SETTINGS = ("fusion", "rrf_k", "dense_weight", "candidates", "abstain_below")


def fuzzy_documents(index_dir: Path) -> set[str]:
    """Documents the index repaired from OCR damage (their evidence quotes the damage)."""
    docs = set()
    for row in read_jsonl(index_dir / DOCUMENTS):
        ocr = row.get("ocr", {})
        if ocr.get("invalid_before", 0) or ocr.get("repaired", 0):
            docs.add(row["meta"]["doc_id"])
    return docs


def parse_ks(text: str) -> tuple[int, ...]:
    """`"1,3,5,10"` → (1, 3, 5, 10); REPORT_K and RANK_DEPTH are always included."""
    try:
        ks = {int(part) for part in text.split(",") if part.strip()}
    except ValueError as exc:
        raise EvalError(f"--k takes numbers separated by commas, got {text!r}") from exc
    if not ks or min(ks) < 1:
        raise EvalError(f"--k values must be at least 1, got {text!r}")
    return tuple(sorted(ks | {REPORT_K, RANK_DEPTH}))


class GoldEvaluator:
    """Runs the gold questions against a loaded Searcher."""

    def __init__(self, searcher: Searcher, items: list[GoldItem], ks: Sequence[int]) -> None:
        self.searcher = searcher
        self.items = items
        self.ks = tuple(ks)
        self.judge = RelevanceJudge(fuzzy_documents(searcher.index_dir))
        self.depth = max(max(self.ks), RANK_DEPTH)
        self._totals: dict[str, int] = {}

    def relevant_total(self, item: GoldItem) -> int:
        """Relevant passages in the whole index (for the ideal DCG)."""
        if item.id not in self._totals:
            self._totals[item.id] = sum(self.judge.relevant(item, c) for c in self.searcher.chunks)
        return self._totals[item.id]

    def score(self, item: GoldItem, chunks: Sequence[Chunk]) -> QuestionScore:
        covered = [self.judge.spans(item, c) for c in chunks]
        return score_ranking(
            item.id,
            item.type,
            [c.chunk_id for c in chunks],
            covered,
            len(item.evidence),
            self.relevant_total(item),
            self.ks,
        )

    def run_mode(self, mode: str, progress: bool = False) -> ModeReport:
        started = time.perf_counter()
        scores = []
        answerable = [i for i in self.items if i.answerable]
        for item in tqdm(answerable, desc=mode, disable=not progress):
            hits = self.searcher.search(item.question, k=self.depth, mode=mode)
            scores.append(self.score(item, [h.chunk for h in hits]))
        report = mode_report(mode, scores, self.ks)
        report.seconds = time.perf_counter() - started
        return report

    def run_ask(self, settings: Settings, progress: bool = False) -> AskReport:
        """Compose every answer once without abstaining; the threshold is applied after."""
        started = time.perf_counter()
        never = replace(settings, abstain_below=-1.0)
        results = []
        for item in tqdm(self.items, desc="ask", disable=not progress):
            answer = ask(
                self.searcher, item.question, k=ASK_PASSAGES, mode="hybrid", settings=never
            )
            hits = list(answer.hits)
            cited_ids = dict.fromkeys(c.chunk_id for c in answer.citations)
            by_id = {h.chunk.chunk_id: h.chunk for h in hits}
            cited_relevant = (
                sum(self.judge.relevant(item, by_id[c]) for c in cited_ids if c in by_id)
                if item.answerable
                else 0
            )
            results.append(
                AskResult(
                    id=item.id,
                    type=item.type,
                    answerable=item.answerable,
                    confidence=round(answer.confidence, 6),
                    correct=item.answer is not None
                    and answer_correct(item.answer, answer, self.searcher.segmenter),
                    cited=len(cited_ids),
                    cited_relevant=cited_relevant,
                    text=answer.text,
                )
            )
        metrics = ask_metrics(results, settings.abstain_below)
        return AskReport(metrics, results, time.perf_counter() - started)

    def unreachable(self) -> list[str]:
        return [i.id for i in self.items if i.answerable and self.relevant_total(i) == 0]

    def failures(self, report: ModeReport, k: int = REPORT_K) -> list[dict[str, Any]]:
        """Questions with no relevant passage in the top `k`: what was expected, what came."""
        by_id = {c.chunk_id: c for c in self.searcher.chunks}
        items = {i.id: i for i in self.items}
        rows = []
        for score in report.questions:
            if score.hit.get(k, 0.0) > 0:
                continue
            item = items[score.id]
            rows.append(
                {
                    "id": item.id,
                    "type": item.type,
                    "question": item.question,
                    "evidence": list(item.evidence),
                    "first_relevant": score.first_relevant,
                    "top": [
                        {
                            "chunk_id": cid,
                            "doc_id": by_id[cid].doc_id,
                            "text": shorten(by_id[cid].text),
                        }
                        for cid in score.ranked[:3]
                    ],
                }
            )
        return rows


def run_eval(
    index_dir: Path,
    gold_path: Path,
    modes: Sequence[str] = ("bm25", "dense", "hybrid"),
    ks: Sequence[int] = DEFAULT_KS,
    out_dir: Path | None = Path("eval/results"),
    *,
    split: str = "all",
    ask: bool = True,
    calibrate: bool = False,
    searcher: Searcher | None = None,
    embedder: Embedder | None = None,
    settings: Settings | None = None,
    progress: bool = False,
    plot: bool = True,
    today: str | None = None,
) -> EvalReport:
    """Evaluate every mode (and `ask`) on the questions of `split` (tune, heldout or all),
    report each split present separately, and write JSON, markdown and a plot.

    `--calibrate` sweeps the abstention threshold over the tune questions only, so it is
    refused with `split="heldout"`.
    """
    items = select_split(load_gold(gold_path), split)
    unknown = [m for m in modes if m not in ("bm25", "dense", "hybrid")]
    if unknown:
        raise EvalError(f"unknown mode {unknown[0]!r}; use bm25, dense and/or hybrid")
    if calibrate and split == "heldout":
        raise EvalError("--calibrate sweeps the tune split; it cannot run on --split heldout")
    ks = tuple(sorted(set(ks) | {REPORT_K, RANK_DEPTH}))
    searcher = searcher or Searcher(index_dir, embedder=embedder, settings=settings)
    settings = settings or searcher.settings
    evaluator = GoldEvaluator(searcher, items, ks)
    report = EvalReport(
        index_dir=str(index_dir),
        gold_path=str(gold_path),
        embedder=str(searcher.manifest["embedder"]["id"]),
        ks=ks,
        modes={},
        ask=None,
        unreachable=evaluator.unreachable(),
        settings={name: getattr(settings, name) for name in REPORTED_SETTINGS},
        split=split,
        question_splits={i.id: i.split for i in items},
    )
    for mode in modes:
        report.modes[mode] = evaluator.run_mode(mode, progress)
        report.failures[mode] = evaluator.failures(report.modes[mode])
    if ask or calibrate:
        report.ask = evaluator.run_ask(settings, progress)
    if calibrate and report.ask is not None:
        tune = [r for r in report.ask.results if report.question_splits[r.id] == "tune"]
        if not tune:
            raise EvalError("--calibrate needs tune questions; the gold file has none")
        report.calibration = calibration_sweep(tune)
        report.chosen_threshold = choose_threshold(report.calibration)
    report.by_split = split_reports(items, report.modes, report.ask, ks)
    if out_dir is not None:
        report.files = write_reports(report, out_dir, today or date.today().isoformat(), plot)
    return report
