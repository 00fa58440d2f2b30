"""Answer length and reliability figures, checked on small hand-made answers."""

from __future__ import annotations

import pytest

from qa.evaluation.answer_stats import (
    answer_words,
    expected_calibration_error,
    length_stats,
    nearest_rank,
    reliability_bins,
)
from qa.evaluation.answers import AskResult


def result(
    qid: str, confidence: float, correct: bool = True, answerable: bool = True, text: str = ""
) -> AskResult:
    qtype = "fact" if answerable else "unanswerable"
    return AskResult(qid, qtype, answerable, confidence, correct and answerable, 1, 1, text)


def test_answer_words_skips_citation_markers_and_lone_punctuation() -> None:
    assert answer_words("(tháng 9/2023) GRDP ước đạt 47.411 tỷ đồng [1]") == 8
    assert answer_words("Tổng đàn lợn ước đạt 712,6 nghìn con [1]\n– [2]") == 8
    assert answer_words("") == 0


def test_nearest_rank_percentiles_by_hand() -> None:
    values = [5, 1, 9, 3]
    assert nearest_rank(values, 90) == 9  # ceil(3.6) = 4th smallest
    assert nearest_rank(values, 50) == 3  # ceil(2.0) = 2nd smallest
    assert nearest_rank(list(range(1, 21)), 90) == 18  # ceil(18.0) = 18th
    assert nearest_rank([7], 90) == 7
    with pytest.raises(ValueError):
        nearest_rank([], 90)


def test_length_stats_over_answers_given() -> None:
    results = [
        result("a", 0.9, text="một hai ba [1]"),  # 3 words
        result("b", 0.8, text="một hai ba bốn năm sáu bảy tám chín mười [1]"),  # 10
        result("c", 0.7, text="một [1]"),  # 1
        result("d", 0.6, text="một hai ba bốn năm [1] [2]"),  # 5
        result("e", 0.1, text="bỏ qua vì đã từ chối trả lời"),  # abstained at 0.5
    ]
    stats = length_stats(results, threshold=0.5)
    assert stats is not None
    assert stats.answers == 4
    assert stats.median == 4.0  # (3 + 5) / 2
    assert stats.p90 == 10  # ceil(3.6) = 4th of [1, 3, 5, 10]
    assert stats.max == 10
    assert length_stats(results, threshold=0.95) is None


def test_reliability_bins_by_hand() -> None:
    results = [
        result("a", 0.95),  # bin 0.9–1.0, right
        result("b", 1.0, correct=False),  # 1.0 joins the last bin, wrong
        result("c", 0.92, answerable=False),  # answered an unanswerable question: wrong
        result("d", 0.55),  # bin 0.5–0.6, right
        result("e", 0.51, correct=False),  # bin 0.5–0.6, wrong
        result("f", -0.2, correct=False),  # clipped to 0.0 → bin 0.0–0.1
    ]
    bins = reliability_bins(results)
    assert [(b.low, b.high, b.n) for b in bins] == [(0.0, 0.1, 1), (0.5, 0.6, 2), (0.9, 1.0, 3)]
    top = bins[2]
    assert top.mean_confidence == pytest.approx((0.95 + 1.0 + 0.92) / 3)
    assert top.accuracy == pytest.approx(1 / 3)
    assert bins[1].accuracy == 0.5 and bins[1].mean_confidence == pytest.approx(0.53)
    assert bins[0].accuracy == 0.0 and bins[0].mean_confidence == 0.0
    # ECE: 1/6·|0 − 0| + 2/6·|0.5 − 0.53| + 3/6·|1/3 − 0.9566…|
    expected = 2 / 6 * 0.03 + 3 / 6 * abs(1 / 3 - 2.87 / 3)
    assert expected_calibration_error(bins) == pytest.approx(expected)
    assert expected_calibration_error([]) == 0.0
