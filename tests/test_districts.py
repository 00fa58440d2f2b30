"""Districts exclude each other: found in the corpus, no list needed (`qa.text.districts`)."""

from __future__ import annotations

import pytest
from conftest import BuiltIndex

from qa.answer.ask import ask
from qa.search.searcher import Searcher
from qa.text.districts import district_names


@pytest.fixture(scope="module")
def searcher(built_index: BuiltIndex) -> Searcher:
    return Searcher(built_index.index)


def test_the_seed_corpus_names_its_districts_and_never_the_province(searcher: Searcher) -> None:
    assert {"Tiền Hải", "Kiến Xương", "Thái Thụy", "Vũ Thư"} <= set(searcher.districts)
    assert "Thái Bình" not in searcher.districts  # `thành phố Thái Bình`: the province's name


def test_a_name_seen_once_after_a_title_is_no_district() -> None:
    once = ["dự án ở huyện Qu Phụ", "huyện Tiền Hải, huyện Tiền Hải và thành phố Icheon"]
    assert district_names(once) == ("Tiền Hải",)


def test_a_figure_for_another_district_answers_nothing(searcher: Searcher) -> None:
    """The white-spot outbreak was in Tiền Hải and Thái Thụy, not in Kiến Xương."""
    asked = ask(searcher, "bệnh đốm trắng ở huyện Tiền Hải phát sinh tại mấy xã", k=8)
    assert not asked.abstained and "Tiền Hải" in asked.text
    other = ask(searcher, "bệnh đốm trắng ở huyện Kiến Xương phát sinh tại mấy xã", k=8)
    assert other.abstained, other.text
