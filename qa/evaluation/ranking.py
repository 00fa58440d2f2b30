"""Ranking metrics of the gold evaluation: Hit@k, Recall@k, MRR@10 and nDCG@10 (binary gains).

Pure functions over one ranking (`relevant[i]`: does the i-th passage hold an evidence span),
then means over a group of questions, overall and per question type. Shared by the gold
evaluation and `qa eval --beir`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from qa.evaluation.gold import TYPES

DEFAULT_KS = (1, 3, 5, 10)
RANK_DEPTH = 10  # MRR@10, nDCG@10
REPORT_K = 5  # the k the failure list and the headline use


def hit_at_k(relevant: Sequence[bool], k: int) -> float:
    """1 when any of the first `k` results is relevant."""
    return 1.0 if any(relevant[:k]) else 0.0


def recall_at_k(covered: Sequence[frozenset[int]], targets: int, k: int) -> float:
    """Share of the `targets` (evidence spans, or relevant documents) covered by the top `k`."""
    if targets <= 0:
        return 0.0
    union: set[int] = set()
    for spans in covered[:k]:
        union |= spans
    return len(union) / targets


def reciprocal_rank(relevant: Sequence[bool], k: int = RANK_DEPTH) -> float:
    """1 / rank of the first relevant result within `k` (0 when none)."""
    for rank, is_relevant in enumerate(relevant[:k], start=1):
        if is_relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(relevant: Sequence[bool], relevant_total: int, k: int = RANK_DEPTH) -> float:
    """Binary-gain nDCG: DCG of the ranking over the DCG of `relevant_total` relevant first.

    `[False, True]` with one relevant passage in the collection → (1/log2 3) / 1 ≈ 0.631.
    """
    dcg = sum(1.0 / math.log2(i + 2) for i, rel in enumerate(relevant[:k]) if rel)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, relevant_total)))
    return dcg / ideal if ideal > 0 else 0.0


@dataclass(frozen=True)
class QuestionScore:
    """Metrics of one question's ranking."""

    id: str
    type: str
    hit: dict[int, float]
    recall: dict[int, float]
    rr: float
    ndcg: float
    first_relevant: int | None  # 1-based rank, None when not in the list
    ranked: tuple[str, ...] = ()  # chunk or document ids, best first


def score_ranking(
    qid: str,
    qtype: str,
    ranked: Sequence[str],
    covered: Sequence[frozenset[int]],
    targets: int,
    relevant_total: int,
    ks: Sequence[int],
) -> QuestionScore:
    """All metrics of one ranking; `covered[i]` are the targets the i-th result holds."""
    relevant = [bool(c) for c in covered]
    first = next((i + 1 for i, rel in enumerate(relevant) if rel), None)
    return QuestionScore(
        id=qid,
        type=qtype,
        hit={k: hit_at_k(relevant, k) for k in ks},
        recall={k: recall_at_k(covered, targets, k) for k in ks},
        rr=reciprocal_rank(relevant),
        ndcg=ndcg_at_k(relevant, max(relevant_total, sum(relevant))),
        first_relevant=first,
        ranked=tuple(ranked),
    )


@dataclass(frozen=True)
class Metrics:
    """Means over a group of questions."""

    n: int
    hit: dict[int, float]
    recall: dict[int, float]
    mrr: float
    ndcg: float


def mean_metrics(scores: Sequence[QuestionScore], ks: Sequence[int]) -> Metrics:
    n = len(scores)
    if n == 0:
        return Metrics(0, {k: 0.0 for k in ks}, {k: 0.0 for k in ks}, 0.0, 0.0)
    return Metrics(
        n=n,
        hit={k: sum(s.hit[k] for s in scores) / n for k in ks},
        recall={k: sum(s.recall[k] for s in scores) / n for k in ks},
        mrr=sum(s.rr for s in scores) / n,
        ndcg=sum(s.ndcg for s in scores) / n,
    )


@dataclass
class ModeReport:
    """Retrieval metrics of one mode: overall, per question type, per question."""

    mode: str
    ks: tuple[int, ...]
    overall: Metrics
    by_type: dict[str, Metrics]
    questions: list[QuestionScore]
    seconds: float = 0.0


def mode_report(mode: str, scores: list[QuestionScore], ks: Sequence[int]) -> ModeReport:
    types = [t for t in TYPES if any(s.type == t for s in scores)]
    types += sorted({s.type for s in scores} - set(types))
    return ModeReport(
        mode=mode,
        ks=tuple(ks),
        overall=mean_metrics(scores, ks),
        by_type={t: mean_metrics([s for s in scores if s.type == t], ks) for t in types},
        questions=scores,
    )
