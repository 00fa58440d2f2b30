"""The files a `qa eval` run leaves in `eval/results/`: JSON per mode and for answers, a
markdown report, a Hit@k plot; and the summary `qa eval --json` prints.

Every JSON keeps the run's figures (`overall`, `by_type`) and adds `splits`: the same figures
for the held-out and the tuning questions, so a reader never mixes the two.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from qa.config import ASK_PASSAGES
from qa.evaluation.answer_stats import answer_words
from qa.evaluation.answers import AskMetrics
from qa.evaluation.gold import EvalError
from qa.evaluation.ranking import RANK_DEPTH, REPORT_K, Metrics, ModeReport
from qa.evaluation.results import EvalReport, SplitReport
from qa.evaluation.tables import markdown_report


def metrics_dict(m: Metrics) -> dict[str, Any]:
    return {
        "n": m.n,
        "hit": {str(k): round(v, 4) for k, v in m.hit.items()},
        "recall": {str(k): round(v, 4) for k, v in m.recall.items()},
        "mrr@10": round(m.mrr, 4),
        "ndcg@10": round(m.ndcg, 4),
    }


def _mode_figures(mode: ModeReport) -> dict[str, Any]:
    return {
        "overall": metrics_dict(mode.overall),
        "by_type": {t: metrics_dict(m) for t, m in mode.by_type.items()},
    }


def mode_dict(report: EvalReport, mode: ModeReport) -> dict[str, Any]:
    return {
        "mode": mode.mode,
        "index": report.index_dir,
        "gold": report.gold_path,
        "split": report.split,
        "embedder": report.embedder,
        "settings": report.settings,
        "seconds": round(mode.seconds, 2),
        **_mode_figures(mode),
        "splits": {s.split: _mode_figures(s.modes[mode.mode]) for s in report.by_split},
        "unreachable": report.unreachable,
        "questions": [
            {
                "id": q.id,
                "type": q.type,
                "split": report.question_splits.get(q.id),
                "first_relevant": q.first_relevant,
                "rr": round(q.rr, 4),
                "ndcg@10": round(q.ndcg, 4),
                "recall": {str(k): round(v, 4) for k, v in q.recall.items()},
                "ranked": list(q.ranked[:RANK_DEPTH]),
            }
            for q in mode.questions
        ],
        "failures": report.failures.get(mode.mode, []),
    }


def ask_metrics_dict(m: AskMetrics) -> dict[str, Any]:
    data = asdict(m)
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in data.items()} | {
        "accuracy_by_type": {t: round(v, 4) for t, v in m.accuracy_by_type.items()}
    }


def split_answers_dict(split: SplitReport) -> dict[str, Any]:
    """Answer figures of one split: metrics, per-type counts, length, reliability."""
    if split.ask is None:
        return {}
    return ask_metrics_dict(split.ask) | {
        "answers_by_type": {t: {"right": r, "n": n} for t, (r, n) in split.answers_by_type.items()},
        "length_words": asdict(split.lengths) if split.lengths else None,
        "reliability": [
            {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(b).items()}
            for b in split.reliability
        ],
        "expected_calibration_error": (
            round(split.calibration_error, 4) if split.calibration_error is not None else None
        ),
    }


def ask_dict(report: EvalReport) -> dict[str, Any]:
    if report.ask is None:
        raise EvalError("no answers were composed in this run")
    ask = report.ask
    data: dict[str, Any] = {
        "mode": "ask",
        "retrieval": "hybrid",
        "passages": ASK_PASSAGES,
        "index": report.index_dir,
        "gold": report.gold_path,
        "split": report.split,
        "embedder": report.embedder,
        "settings": report.settings,
        "seconds": round(ask.seconds, 2),
        "overall": ask_metrics_dict(ask.metrics),
        "splits": {s.split: split_answers_dict(s) for s in report.by_split},
        "questions": [
            asdict(r)
            | {
                "split": report.question_splits.get(r.id),
                "abstained": r.confidence < ask.metrics.threshold,
                "words": answer_words(r.text),
            }
            for r in ask.results
        ],
    }
    if report.calibration:
        data["calibration"] = _calibration_dict(report)
    return data


def _calibration_dict(report: EvalReport) -> dict[str, Any]:
    return {
        "split": "tune",
        "chosen": report.chosen_threshold,
        "sweep": [ask_metrics_dict(m) for m in report.calibration],
    }


def write_reports(report: EvalReport, out_dir: Path, day: str, plot: bool = True) -> list[Path]:
    """`<day>-<mode>.json`, `<day>-ask.json`, `<day>-report.md`, `<day>-hit-at-k.png`."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EvalError(f"cannot write results to {out_dir}: {exc.strerror or exc}") from exc
    files = []
    for mode in report.modes.values():
        files.append(_write_json(out_dir / f"{day}-{mode.mode}.json", mode_dict(report, mode)))
    if report.ask is not None:
        files.append(_write_json(out_dir / f"{day}-ask.json", ask_dict(report)))
    md = out_dir / f"{day}-report.md"
    md.write_text(markdown_report(report, day), encoding="utf-8")
    files.append(md)
    if plot and report.modes:
        files.append(plot_hit_at_k(report, out_dir / f"{day}-hit-at-k.png"))
    return files


def _write_json(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def plot_hit_at_k(report: EvalReport, path: Path) -> Path:
    """Hit@k curves: one panel overall, one grouped bar chart of Hit@5 by type and mode."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(
        1, 2, figsize=(13, 4.5), gridspec_kw={"width_ratios": [1, 2.4]}
    )
    for mode in report.modes.values():
        left.plot(report.ks, [mode.overall.hit[k] for k in report.ks], marker="o", label=mode.mode)
    left.set(xlabel="k", ylabel="Hit@k", title="Hit@k, all answerable", ylim=(0, 1.02))
    left.set_xticks(report.ks)
    left.legend()
    types = list(next(iter(report.modes.values())).by_type)
    width = 0.8 / max(1, len(report.modes))
    for i, mode in enumerate(report.modes.values()):
        xs = [j + i * width for j in range(len(types))]
        right.bar(xs, [mode.by_type[t].hit[REPORT_K] for t in types], width, label=mode.mode)
    right.set_xticks([j + width * (len(report.modes) - 1) / 2 for j in range(len(types))])
    right.set_xticklabels(types, rotation=30, ha="right")
    right.set(ylabel=f"Hit@{REPORT_K}", title=f"Hit@{REPORT_K} by question type", ylim=(0, 1.15))
    right.legend(loc="upper center", ncol=len(report.modes))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def summary_dict(report: EvalReport) -> dict[str, Any]:
    """What `qa eval --json` prints: the run's figures, then per split."""
    data: dict[str, Any] = {
        "index": report.index_dir,
        "embedder": report.embedder,
        "split": report.split,
        "settings": report.settings,
        "modes": {
            m: metrics_dict(r.overall)
            | {"by_type": {t: metrics_dict(v) for t, v in r.by_type.items()}}
            for m, r in report.modes.items()
        },
        "splits": {
            s.split: {
                "questions": s.questions,
                "answerable": s.answerable,
                "modes": {m: _mode_figures(r) for m, r in s.modes.items()},
                "ask": split_answers_dict(s) or None,
            }
            for s in report.by_split
        },
        "unreachable": report.unreachable,
        "files": [str(p) for p in report.files],
    }
    if report.ask is not None:
        data["ask"] = ask_metrics_dict(report.ask.metrics)
    if report.calibration:
        data["calibration"] = _calibration_dict(report)
    return data
