"""How answers read and how far their confidence can be trusted: length and reliability.

Length is counted on `Answer.text` exactly as the library returns it, whatever its shape (a
short answer line, or quoted sentences with a date prefix): `[n]` citation markers are not
words, every other whitespace-separated token with a letter or digit is
(`"(tháng 9/2023) GRDP ước đạt 47.411 tỷ đồng [1]"` → 8 words). Reliability compares the
confidence an answer was composed with to how often such answers are right.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from qa.evaluation.answers import AskResult

RELIABILITY_BINS = 10  # equal-width confidence bins over [0, 1]
_CITATION = re.compile(r"\[\d+\]")
_WORDLIKE = re.compile(r"\w")


def answer_words(text: str) -> int:
    """Words of an answer as shown: `[n]` markers dropped, punctuation-only tokens ignored."""
    return sum(1 for token in _CITATION.sub(" ", text).split() if _WORDLIKE.search(token))


def nearest_rank(values: Sequence[float], percent: float) -> float:
    """The `percent`-th percentile by nearest rank: the ⌈p·n/100⌉-th smallest value.

    `nearest_rank([5, 1, 9, 3], 90)` → 9 (⌈3.6⌉ = 4th smallest); no interpolation, so the
    figure is always a length some answer really had.
    """
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class LengthStats:
    """Answer length in words over the answers given (abstentions excluded)."""

    answers: int
    median: float
    p90: float
    max: int


def length_stats(results: Sequence[AskResult], threshold: float) -> LengthStats | None:
    """Length of every answer not abstained at `threshold`; None when all abstained."""
    words = [answer_words(r.text) for r in results if r.confidence >= threshold]
    if not words:
        return None
    return LengthStats(len(words), statistics.median(words), nearest_rank(words, 90), max(words))


@dataclass(frozen=True)
class ReliabilityBin:
    """Questions whose confidence fell in [low, high): their mean confidence and accuracy."""

    low: float
    high: float
    n: int
    mean_confidence: float
    accuracy: float  # answerable and right; an unanswerable question answered is wrong


def reliability_bins(
    results: Sequence[AskResult], bins: int = RELIABILITY_BINS
) -> list[ReliabilityBin]:
    """Non-empty equal-width bins of confidence (clipped to [0, 1]; 1.0 joins the last bin).

    Every question counts, answered or not: the confidence is what the answer was composed
    with, and it is right when the question is answerable and the answer holds the gold one.
    """
    groups: dict[int, list[AskResult]] = {}
    for r in results:
        confidence = min(1.0, max(0.0, r.confidence))
        groups.setdefault(min(int(confidence * bins), bins - 1), []).append(r)
    rows = []
    for index in sorted(groups):
        group = groups[index]
        confidence = sum(min(1.0, max(0.0, r.confidence)) for r in group) / len(group)
        right = sum(r.answerable and r.correct for r in group)
        low, high = index / bins, (index + 1) / bins
        rows.append(ReliabilityBin(low, high, len(group), confidence, right / len(group)))
    return rows


def expected_calibration_error(rows: Sequence[ReliabilityBin]) -> float:
    """Σ (n_bin / N) · |accuracy_bin − confidence_bin|: 0 when confidence means what it says."""
    total = sum(r.n for r in rows)
    if total == 0:
        return 0.0
    return sum(r.n / total * abs(r.accuracy - r.mean_confidence) for r in rows)
