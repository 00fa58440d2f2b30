"""The tables `qa eval` prints and writes: plain text for the terminal, markdown for the report.

Each split gets the same tables (held out first): retrieval per mode, Hit@5 and MRR@10 per
question type and mode beside the answers right, the answer figures (accuracy, abstention,
length) and the reliability of the confidence.
"""

from __future__ import annotations

from qa.evaluation.answers import AskResult
from qa.evaluation.ranking import RANK_DEPTH, REPORT_K, ModeReport
from qa.evaluation.results import EvalReport, SplitReport
from qa.text.normalize import collapse_spaces


def shorten(text: str, width: int = 160) -> str:
    text = collapse_spaces(text)
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _pct(value: float) -> str:
    return f"{value:.3f}"


def _share(part: int, whole: int) -> str:
    """`"3 of 29 (10.3%)"`."""
    return f"{part} of {whole} ({100 * part / whole:.1f}%)" if whole else "0 of 0"


def render_table(
    header: list[str], rows: list[list[str]], markdown: bool = False, left: int = 2
) -> str:
    """A plain-text (or markdown) table; the first `left` columns are labels."""
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]

    def fmt(row: list[str]) -> str:
        cells = zip(row, widths, strict=True)
        return "  ".join(c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in enumerate(cells))

    return "\n".join([fmt(header), "  ".join("-" * w for w in widths), *(fmt(r) for r in rows)])


def retrieval_table(
    modes: dict[str, ModeReport], ks: tuple[int, ...], markdown: bool = False, by_type: bool = True
) -> str:
    """Rows: mode × (all + types); columns: n, Hit@k…, Recall@5, MRR@10, nDCG@10."""
    header = ["mode", "type", "n", *(f"Hit@{k}" for k in ks), f"R@{REPORT_K}", "MRR@10", "nDCG@10"]
    rows: list[list[str]] = []
    for mode in modes.values():
        groups = [("all", mode.overall), *(mode.by_type.items() if by_type else ())]
        for name, m in groups:
            rows.append(
                [
                    mode.mode,
                    name,
                    str(m.n),
                    *(_pct(m.hit[k]) for k in ks),
                    _pct(m.recall[REPORT_K]),
                    _pct(m.mrr),
                    _pct(m.ndcg),
                ]
            )
    return render_table(header, rows, markdown)


def type_table(split: SplitReport, markdown: bool = False) -> str:
    """Per question type: questions, Hit@5 and MRR@10 of each mode, then answers right (x/n).

    Retrieval figures are over answerable questions; for unanswerable questions the last
    column counts abstentions, the right outcome.
    """
    header = ["type", "n"]
    for mode in split.modes:
        header += [f"{mode} H@{REPORT_K}", f"{mode} MRR"]
    header.append("answers right")
    retrieval_types = [t for m in split.modes.values() for t in m.by_type]
    types = list(dict.fromkeys([*retrieval_types, *split.answers_by_type]))
    rows = []
    for name in ["all", *types]:
        groups = [m.overall if name == "all" else m.by_type.get(name) for m in split.modes.values()]
        if name == "all":
            n = split.questions
        elif name in split.answers_by_type:
            n = split.answers_by_type[name][1]
        else:
            n = next((g.n for g in groups if g is not None), 0)
        row = [name, str(n)]
        for metrics in groups:
            row += [_pct(metrics.hit[REPORT_K]), _pct(metrics.mrr)] if metrics else ["–", "–"]
        if name == "all" and split.ask is not None:
            row.append(f"{split.ask.correct}/{split.ask.answerable}")
        elif name in split.answers_by_type:
            right, total = split.answers_by_type[name]
            row.append(f"{right}/{total}" + (" abstained" if name == "unanswerable" else ""))
        else:
            row.append("–")
        rows.append(row)
    return render_table(header, rows, markdown, left=1)


def answers_table(split: SplitReport, markdown: bool = False) -> str:
    """Answer accuracy, abstention both ways, citation precision, answer length, calibration."""
    m = split.ask
    if m is None:
        return ""
    abstained = m.answerable_abstained + m.unanswerable_abstained
    rows = [
        ["abstain_below", f"{m.threshold:.2f}"],
        ["answer right (answerable)", _share(m.correct, m.answerable)],
        ["abstained on unanswerable", _share(m.unanswerable_abstained, m.unanswerable)],
        ["false abstention on answerable", _share(m.answerable_abstained, m.answerable)],
        ["abstention precision", f"{_pct(m.abstention_precision)} ({abstained} abstentions)"],
        ["abstention recall", _pct(m.abstention_recall)],
        ["citation precision", _pct(m.citation_precision)],
    ]
    if split.lengths is not None:
        s = split.lengths
        rows.append(
            [
                "answer words median / p90 / max",
                f"{s.median:g} / {s.p90:g} / {s.max} ({s.answers} answers)",
            ]
        )
    if split.calibration_error is not None:
        rows.append(["expected calibration error", _pct(split.calibration_error)])
    return render_table([f"answers ({split.split})", "value"], rows, markdown, left=1)


def reliability_table(split: SplitReport, markdown: bool = False) -> str:
    """Confidence bins vs how often the answers in them are right."""
    rows = [
        [f"{b.low:.1f}–{b.high:.1f}", str(b.n), _pct(b.mean_confidence), _pct(b.accuracy)]
        for b in split.reliability
    ]
    return render_table(["confidence", "n", "mean conf.", "accuracy"], rows, markdown, left=1)


def calibration_table(report: EvalReport, markdown: bool = False) -> str:
    header = ["threshold", "abst. precision", "abst. recall", "abst. rate answerable", "accuracy"]
    rows = [
        [
            f"{m.threshold:.2f}",
            _pct(m.abstention_precision),
            _pct(m.abstention_recall),
            _pct(m.answerable_abstention_rate),
            _pct(m.accuracy),
        ]
        for m in report.calibration
    ]
    return render_table(header, rows, markdown, left=0)


def _split_title(split: SplitReport) -> str:
    return (
        f"{split.split}: {split.questions} questions "
        f"({split.answerable} answerable, {split.unanswerable} unanswerable)"
    )


def terminal_summary(report: EvalReport) -> str:
    """What `qa eval` prints: per split the tables, then calibration, unreachable, files."""
    parts = []
    for split in report.by_split:
        parts.append(f"== {_split_title(split)}")
        parts.append(retrieval_table(split.modes, report.ks, by_type=False))
        parts.append(type_table(split))
        if split.ask is not None:
            parts.append(answers_table(split))
            parts.append(reliability_table(split))
    if report.calibration:
        parts.append("abstention threshold sweep (tune split)\n" + calibration_table(report))
        parts.append(f"chosen abstain_below (tune split): {report.chosen_threshold:.2f}")
    if report.unreachable:
        parts.append("evidence found in no indexed passage: " + ", ".join(report.unreachable))
    if report.files:
        parts.append("wrote: " + ", ".join(str(p) for p in report.files))
    return "\n\n".join(parts) + "\n"


def _ask_wrong(r: AskResult, threshold: float) -> bool:
    abstained = r.confidence < threshold
    if r.answerable:
        return abstained or not r.correct
    return not abstained


def _failure_lines(report: EvalReport) -> list[str]:
    lines = []
    for mode, rows in report.failures.items():
        lines += [f"## Failures: {mode} (no relevant passage in the top {REPORT_K})", ""]
        if not rows:
            lines += ["None.", ""]
        for row in rows:
            rank = row["first_relevant"]
            lines.append(
                f"- **{row['id']}** ({row['type']}, {report.question_splits.get(row['id'], '?')}) "
                f"{row['question']} — first relevant at rank "
                f"{rank if rank is not None else '> ' + str(RANK_DEPTH)}"
            )
            lines += [f"  - expected: “{shorten(e)}”" for e in row["evidence"]]
            lines += [f"  - got {t['chunk_id']}: {t['text']}" for t in row["top"]]
        lines.append("")
    if report.ask is not None:
        threshold = report.ask.metrics.threshold
        wrong = [r for r in report.ask.results if _ask_wrong(r, threshold)]
        lines += ["## Failures: ask", ""]
        lines += [
            f"- **{r.id}** ({r.type}, {report.question_splits.get(r.id, '?')}) confidence "
            f"{r.confidence:.2f}: {'abstained' if r.confidence < threshold else shorten(r.text)}"
            for r in wrong
        ] or ["None."]
        lines.append("")
    return lines


def markdown_report(report: EvalReport, day: str) -> str:
    lines = [
        f"# Evaluation {day}",
        "",
        f"Index `{report.index_dir}` (embedder `{report.embedder}`), gold `{report.gold_path}` "
        f"(split: {report.split}). Retrieval metrics over answerable questions; a passage is "
        "relevant when it contains an evidence span (folded, fuzzy for OCR-repaired documents).",
        "",
        "Settings: " + ", ".join(f"`{k} = {v}`" for k, v in report.settings.items()),
        "",
    ]
    for split in report.by_split:
        lines += [f"## {_split_title(split)}", "", "### Retrieval", ""]
        lines += [retrieval_table(split.modes, report.ks, markdown=True), ""]
        lines += ["### By question type", "", type_table(split, markdown=True), ""]
        if split.ask is not None:
            lines += ["### Answers", "", answers_table(split, markdown=True), ""]
            lines += ["### Reliability", "", reliability_table(split, markdown=True), ""]
    if report.calibration:
        lines += [
            "## Abstention threshold sweep (tune split)",
            "",
            calibration_table(report, markdown=True),
            "",
            f"Chosen `abstain_below` = {report.chosen_threshold:.2f}.",
            "",
        ]
    if report.unreachable:
        lines += ["Evidence found in no indexed passage: " + ", ".join(report.unreachable), ""]
    return "\n".join(lines + _failure_lines(report))
