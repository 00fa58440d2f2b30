"""Combine rankings: reciprocal-rank fusion (default) or weighted normalised scores."""

from __future__ import annotations

from collections.abc import Sequence

Ranking = Sequence[tuple[int, float]]  # (row, score), best first


def reciprocal_rank_fusion(
    rankings: Sequence[Ranking], k: int = 60, weights: Sequence[float] | None = None
) -> list[tuple[int, float]]:
    """score(row) = Σ weight / (k + rank), rank counted from 1 in each ranking.

    >>> reciprocal_rank_fusion([[(7, 9.0), (3, 5.0)], [(3, 0.9), (8, 0.5)]], k=60)[0][0]
    3
    """
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings), strict=True):
        for rank, (row, _) in enumerate(ranking, start=1):
            fused[row] = fused.get(row, 0.0) + weight / (k + rank)
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))


def min_max(ranking: Ranking) -> dict[int, float]:
    """Scores scaled to [0, 1] within one ranking (all equal → all 1)."""
    if not ranking:
        return {}
    scores = [score for _, score in ranking]
    low, high = min(scores), max(scores)
    span = high - low
    return {row: (score - low) / span if span > 0 else 1.0 for row, score in ranking}


def weighted_fusion(
    rankings: Sequence[Ranking], weights: Sequence[float]
) -> list[tuple[int, float]]:
    """Σ weight × min-max normalised score; a row missing from a ranking gets 0 there."""
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for row, score in min_max(ranking).items():
            fused[row] = fused.get(row, 0.0) + weight * score
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))
