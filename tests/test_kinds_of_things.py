"""A corpus's own kinds (`<corpus>/kinds.toml`): added to the bundled ones, carried by the
index, watched by the freshness check, refused when malformed."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import CountingEmbedder

from qa.answer.ask import ask
from qa.answer.kinds_of_things import KindsAsked, KindTable, bundled_kinds
from qa.errors import ConfigError, IndexStale
from qa.index.build import build_index
from qa.index.freshness import check_corpus
from qa.index.store import read_manifest
from qa.search.searcher import Searcher

_OWN = """
[other_words]
words = ["cá chép hóa rồng"]

[kinds]
diseases = [["cúm A", "cúm A/H1N1"]]
fish = [["cá rô phi"], ["cá chép"]]
"""


def test_a_corpus_adds_members_kinds_and_other_words(tmp_path: Path) -> None:
    (tmp_path / "kinds.toml").write_text(_OWN, "utf-8")
    own = KindTable.of_corpus(tmp_path)
    table = bundled_kinds().extended(own)
    names = dict(table.named)
    # a kind of the same name gains the member, a new name is a new kind
    assert ("cúm A", "cúm A/H1N1") in names["diseases"]
    bundled = dict(bundled_kinds().named)["diseases"]
    assert names["diseases"][: len(bundled)] == bundled  # extended, not replaced
    assert names["fish"] == (("cá rô phi",), ("cá chép",))
    asked = KindsAsked("sản lượng cá rô phi năm 2023", table=table)
    assert asked.names_another("sản lượng cá chép đạt 3 nghìn tấn")
    assert not KindsAsked("sản lượng cá rô phi năm 2023").names_another("cá chép 3 nghìn tấn")
    flu = KindsAsked("số ca cúm A năm 2023", table=table)
    assert flu.names_another("ghi nhận 354 ca mắc Covid-19")
    assert not asked.names_another("đèn lồng cá chép hóa rồng")  # an other word: no carp
    assert KindTable.from_json(own.to_json()) == own
    assert own.fingerprint and KindTable().fingerprint == ""
    assert KindTable.of_corpus(tmp_path / "none") == KindTable()


@pytest.mark.parametrize(
    "text",
    [
        "[kinds\n",
        '[kinds]\nfish = "cá chép"\n',
        "[kinds]\nfish = [[3]]\n",
        '[kinds]\nfish = [[""]]\n',
        "[kinds]\nfish = [[]]\n",
        '[kinds]\nfish = [{ a = "b" }]\n',
        "kinds = 3\n",
        "[other_words]\nwords = 3\n",
    ],
)
def test_a_broken_kinds_file_is_a_config_error(tmp_path: Path, text: str) -> None:
    (tmp_path / "kinds.toml").write_text(text, "utf-8")
    with pytest.raises(ConfigError, match=r"kinds\.toml"):
        KindTable.of_corpus(tmp_path)


def test_the_index_carries_the_corpus_kinds_and_goes_stale_when_they_change(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Báo cáo thủy sản năm 2023.\n\nNăm 2023, sản lượng cá chép đạt 3,2 nghìn tấn.\n", "utf-8"
    )
    embedder = CountingEmbedder()
    index = tmp_path / "index"
    build_index(corpus, index, embedder, progress=False)
    asked = "Năm 2023 cá rô phi đạt bao nhiêu nghìn tấn"
    searcher = Searcher(index, embedder=embedder)
    assert searcher.kinds == bundled_kinds()  # no table of its own: the bundled one
    # the question names a fish no kind knows: the carp figure is taken for it
    assert not ask(searcher, asked, k=2, mode="bm25").abstained

    (corpus / "kinds.toml").write_text(_OWN, "utf-8")
    with pytest.raises(IndexStale, match=r"kinds\.toml"):
        check_corpus(index, read_manifest(index), corpus)
    build_index(corpus, index, embedder, progress=False)
    check_corpus(index, read_manifest(index), corpus)  # fresh again
    searcher = Searcher(index, embedder=embedder)
    assert ("cá chép",) in dict(searcher.kinds.named)["fish"]
    assert ask(searcher, asked, k=2, mode="bm25").abstained
