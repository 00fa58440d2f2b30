"""BM25 over terms: a saved index scores as the built one; unknown terms score nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from qa.index.lexical import LexicalIndex

TERMS = [
    ["sản_lượng", "lúa", "vụ_mùa", "năng_suất", "lúa"],
    ["sản_lượng", "lúa", "năng_suất", "tạ/ha"],
    ["kcn", "hải_long", "khởi_công"],
]


def test_a_loaded_index_scores_as_the_built_one(tmp_path: Path) -> None:
    index = LexicalIndex.build(TERMS, 1.2, 0.75)
    index.save(tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25", len(TERMS))
    scores = loaded.scores(["lúa", "vụ_mùa"])
    assert np.allclose(scores, index.scores(["lúa", "vụ_mùa"]))
    assert scores[0] > scores[1] > 0 and scores[2] == 0  # vụ_mùa only in the first row


def test_unknown_or_empty_terms_score_zero_everywhere() -> None:
    index = LexicalIndex.build(TERMS, 1.2, 0.75)
    assert not index.scores(["ngô", ""]).any()
    assert index.scores([]).shape == (len(TERMS),)
