"""Answer metrics of the gold evaluation: is an answer right, and when should it abstain.

Each gold question is answered once with abstention off (`AskResult`, with its confidence);
a threshold is then applied (`ask_metrics`: abstain when confidence < threshold), which makes
the threshold sweep cheap. An answer is right when the gold answer, normalised and folded,
occurs in the answer text (`"47.411 tỷ đồng"` in `"… ước đạt 47.411 tỷ đồng, đạt 67,8% …"`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from qa.answer.compose import Answer
from qa.evaluation.gold import comparable
from qa.index.segment import Segmenter


def answer_form(text: str) -> str:
    """Answers compare like evidence, plus `"tỷ  đồng ."` spacing noise around punctuation."""
    return re.sub(r"\s+([,.;:%)])", r"\1", comparable(text))


@cache
def _abbreviating() -> Segmenter:
    return Segmenter()


def answer_correct(gold: str, answer: Answer, segmenter: Segmenter | None = None) -> bool:
    """The gold answer (normalised, folded) occurs in the answer text, as written or with
    long forms as their abbreviation on both sides (`Chủ tịch UBND tỉnh` answers `Chủ tịch
    Ủy ban nhân dân tỉnh`); abstaining is wrong. `segmenter`: the index's, whose lexicon
    holds the corpus's own abbreviations (default: the bundled lexicon)."""
    if answer.abstained:
        return False
    if answer_form(gold) in answer_form(answer.text):
        return True
    short = (segmenter or _abbreviating()).canonical_text
    return answer_form(short(gold)) in answer_form(short(answer.text))


@dataclass(frozen=True)
class AskResult:
    """One question through `qa.answer.ask.ask` (composed without abstaining)."""

    id: str
    type: str
    answerable: bool
    confidence: float
    correct: bool  # correct when not abstaining (threshold applied later)
    cited: int
    cited_relevant: int
    text: str


@dataclass(frozen=True)
class AskMetrics:
    """Answer figures at one abstention threshold."""

    threshold: float
    answerable: int
    unanswerable: int
    correct: int  # answerable, answered, containing the gold answer
    answerable_abstained: int  # false abstentions
    unanswerable_abstained: int  # right abstentions
    accuracy: float
    accuracy_by_type: dict[str, float]
    citation_precision: float
    abstention_precision: float
    abstention_recall: float
    answerable_abstention_rate: float


def ask_metrics(results: Sequence[AskResult], threshold: float) -> AskMetrics:
    """Apply `threshold` (abstain when confidence < threshold) to composed answers."""
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]

    def abstains(r: AskResult) -> bool:
        return r.confidence < threshold

    correct = [r for r in answerable if r.correct and not abstains(r)]
    abstained = [r for r in results if abstains(r)]
    abstained_unans = [r for r in unanswerable if abstains(r)]
    answered = [r for r in answerable if not abstains(r)]
    cited = sum(r.cited for r in answered)
    by_type: dict[str, float] = {}
    for qtype in dict.fromkeys(r.type for r in answerable):
        group = [r for r in answerable if r.type == qtype]
        by_type[qtype] = sum(r in correct for r in group) / len(group)
    return AskMetrics(
        threshold=threshold,
        answerable=len(answerable),
        unanswerable=len(unanswerable),
        correct=len(correct),
        answerable_abstained=len(answerable) - len(answered),
        unanswerable_abstained=len(abstained_unans),
        accuracy=len(correct) / len(answerable) if answerable else 0.0,
        accuracy_by_type=by_type,
        citation_precision=sum(r.cited_relevant for r in answered) / cited if cited else 0.0,
        abstention_precision=len(abstained_unans) / len(abstained) if abstained else 0.0,
        abstention_recall=len(abstained_unans) / len(unanswerable) if unanswerable else 0.0,
        answerable_abstention_rate=(
            (len(answerable) - len(answered)) / len(answerable) if answerable else 0.0
        ),
    )


def calibration_sweep(
    results: Sequence[AskResult], thresholds: Iterable[float] | None = None
) -> list[AskMetrics]:
    """Answer figures for each threshold (default 0.00, 0.05, …, 1.00)."""
    grid = thresholds if thresholds is not None else [i / 20 for i in range(21)]
    return [ask_metrics(results, round(t, 4)) for t in grid]


def choose_threshold(sweep: Sequence[AskMetrics], max_answerable_rate: float = 0.10) -> float:
    """The threshold that abstains on the most unanswerable questions while abstaining on at
    most `max_answerable_rate` of the answerable ones; ties → fewer answerable abstentions,
    then the middle of the tied range (robust to small shifts in confidence)."""
    allowed = [m for m in sweep if m.answerable_abstention_rate <= max_answerable_rate]
    if not allowed:
        return min(sweep, key=lambda m: m.answerable_abstention_rate).threshold
    best = max((m.abstention_recall, -m.answerable_abstention_rate) for m in allowed)
    tied = [
        m.threshold for m in allowed if (m.abstention_recall, -m.answerable_abstention_rate) == best
    ]
    return sorted(tied)[(len(tied) - 1) // 2]


@dataclass
class AskReport:
    """Every composed answer and the figures at the index's threshold."""

    metrics: AskMetrics
    results: list[AskResult]
    seconds: float = 0.0
