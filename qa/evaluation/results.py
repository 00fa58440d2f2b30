"""What one `qa eval` run measured, and the same figures seen per split of the gold set.

A run scores every question once; `split_reports` then regroups the per-question scores and
answers into `tune`, `heldout` and `all`, so the held-out figures come from exactly the same
answers as the tuning ones (nothing is recomputed per split).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qa.evaluation.answer_stats import (
    LengthStats,
    ReliabilityBin,
    expected_calibration_error,
    length_stats,
    reliability_bins,
)
from qa.evaluation.answers import AskMetrics, AskReport, AskResult, ask_metrics
from qa.evaluation.gold import SPLITS, TYPES, GoldItem
from qa.evaluation.ranking import ModeReport, mode_report


@dataclass(frozen=True)
class SplitReport:
    """The figures of one split: retrieval per mode (overall and per type) and the answers."""

    split: str  # "tune", "heldout" or "all"
    questions: int
    answerable: int
    modes: dict[str, ModeReport]
    ask: AskMetrics | None = None
    answers_by_type: dict[str, tuple[int, int]] = field(default_factory=dict)  # (right, n)
    lengths: LengthStats | None = None
    reliability: list[ReliabilityBin] = field(default_factory=list)
    calibration_error: float | None = None

    @property
    def unanswerable(self) -> int:
        return self.questions - self.answerable


@dataclass
class EvalReport:
    """Everything `qa eval` measured, plus the files it wrote."""

    index_dir: str
    gold_path: str
    embedder: str
    ks: tuple[int, ...]
    modes: dict[str, ModeReport]
    ask: AskReport | None
    unreachable: list[str]  # answerable questions whose evidence is in no indexed passage
    failures: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    calibration: list[AskMetrics] = field(default_factory=list)  # swept on the tune split
    chosen_threshold: float | None = None
    settings: dict[str, Any] = field(default_factory=dict)  # the retrieval/answer knobs used
    split: str = "all"  # which questions ran: tune, heldout or all
    question_splits: dict[str, str] = field(default_factory=dict)  # question id → split
    by_split: list[SplitReport] = field(default_factory=list)


def answers_by_type(results: Sequence[AskResult], threshold: float) -> dict[str, tuple[int, int]]:
    """Per type: (right answers, questions); for unanswerable questions right = abstained."""
    table: dict[str, list[int]] = {}
    for r in results:
        answered = r.confidence >= threshold
        right = (r.correct and answered) if r.answerable else not answered
        cell = table.setdefault(r.type, [0, 0])
        cell[0] += int(right)
        cell[1] += 1
    order = [t for t in TYPES if t in table] + sorted(set(table) - set(TYPES))
    return {t: (table[t][0], table[t][1]) for t in order}


def split_report(
    name: str,
    items: Sequence[GoldItem],
    modes: dict[str, ModeReport],
    ask: AskReport | None,
    ks: Sequence[int],
) -> SplitReport:
    """The figures of the questions `items` (one split, or all), regrouped from a whole run."""
    ids = {i.id for i in items}
    views = {
        mode: mode_report(mode, [q for q in report.questions if q.id in ids], ks)
        for mode, report in modes.items()
    }
    answerable = sum(i.answerable for i in items)
    if ask is None:
        return SplitReport(name, len(items), answerable, views)
    results = [r for r in ask.results if r.id in ids]
    threshold = ask.metrics.threshold
    bins = reliability_bins(results)
    return SplitReport(
        split=name,
        questions=len(items),
        answerable=answerable,
        modes=views,
        ask=ask_metrics(results, threshold),
        answers_by_type=answers_by_type(results, threshold),
        lengths=length_stats(results, threshold),
        reliability=bins,
        calibration_error=expected_calibration_error(bins),
    )


def split_reports(
    items: Sequence[GoldItem],
    modes: dict[str, ModeReport],
    ask: AskReport | None,
    ks: Sequence[int],
) -> list[SplitReport]:
    """One report per split present among `items` (held out first), then `all` when both are."""
    present = [s for s in reversed(SPLITS) if any(i.split == s for i in items)]
    reports = [split_report(s, [i for i in items if i.split == s], modes, ask, ks) for s in present]
    if len(present) > 1:
        reports.append(split_report("all", items, modes, ask, ks))
    return reports
