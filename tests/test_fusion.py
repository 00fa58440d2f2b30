"""Fusion maths on tiny hand-made rankings."""

from __future__ import annotations

import pytest

from qa.search.fusion import min_max, reciprocal_rank_fusion, weighted_fusion


def test_rrf_sums_reciprocal_ranks() -> None:
    fused = dict(reciprocal_rank_fusion([[(1, 9.0), (2, 5.0)], [(2, 0.9), (3, 0.1)]], k=60))
    assert fused[2] == pytest.approx(1 / 62 + 1 / 61)
    assert fused[1] == pytest.approx(1 / 61)
    assert fused[3] == pytest.approx(1 / 62)


def test_rrf_prefers_agreement_over_one_first_place() -> None:
    ranking = reciprocal_rank_fusion([[(7, 1.0), (3, 0.5)], [(3, 1.0), (8, 0.5)]], k=60)
    assert ranking[0][0] == 3


def test_min_max_scales_to_unit_interval() -> None:
    assert min_max([(1, 10.0), (2, 5.0), (3, 0.0)]) == {1: 1.0, 2: 0.5, 3: 0.0}
    assert min_max([(4, 2.0), (5, 2.0)]) == {4: 1.0, 5: 1.0}
    assert min_max([]) == {}


def test_weighted_fusion_uses_weights() -> None:
    lexical = [(1, 10.0), (2, 0.0)]
    dense = [(2, 0.9), (1, 0.1)]
    assert weighted_fusion([lexical, dense], [0.8, 0.2])[0][0] == 1
    assert weighted_fusion([lexical, dense], [0.2, 0.8])[0][0] == 2
    assert dict(weighted_fusion([lexical, dense], [0.5, 0.5]))[1] == pytest.approx(0.5)


def test_rrf_weights_scale_each_ranking() -> None:
    lexical = [(1, 9.0), (2, 5.0)]
    dense = [(2, 0.9), (1, 0.1)]
    assert reciprocal_rank_fusion([lexical, dense], k=60)[0][1] == pytest.approx(1 / 61 + 1 / 62)
    weighted = dict(reciprocal_rank_fusion([lexical, dense], k=60, weights=[1.0, 0.5]))
    assert weighted[1] == pytest.approx(1 / 61 + 0.5 / 62)
    assert weighted[2] == pytest.approx(1 / 62 + 0.5 / 61)
    assert max(weighted, key=weighted.__getitem__) == 1
