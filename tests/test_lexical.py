"""BM25 over terms: scores, and the salient terms pseudo-relevance feedback adds."""

from __future__ import annotations

from pathlib import Path

from qa.index.lexical import LexicalIndex

TERMS = [
    ["sản_lượng", "lúa", "vụ_mùa", "năng_suất", "lúa"],
    ["sản_lượng", "lúa", "năng_suất", "tạ/ha"],
    ["kcn", "hải_long", "khởi_công"],
]


def test_salient_terms_come_from_the_given_rows_and_skip_the_query(tmp_path: Path) -> None:
    index = LexicalIndex.build(TERMS, 1.2, 0.75)
    index.save(tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25", len(TERMS))
    terms = loaded.salient_terms([0, 1], 3, exclude={"lúa"})
    assert len(terms) == 3 and "lúa" not in terms
    assert set(terms) <= {"sản_lượng", "vụ_mùa", "năng_suất", "tạ/ha"}
    assert "năng_suất" in terms  # in both rows, so it weighs most
    assert set(loaded.salient_terms([2], 5, exclude=set())) == {"kcn", "hải_long", "khởi_công"}


def test_no_rows_or_no_count_means_no_feedback() -> None:
    index = LexicalIndex.build(TERMS, 1.2, 0.75)
    assert index.salient_terms([], 3, set()) == []
    assert index.salient_terms([0], 0, set()) == []
