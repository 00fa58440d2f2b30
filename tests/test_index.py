"""Index build: round trip, incremental re-embedding, stale detection, atomic replace."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from helpers import CountingEmbedder

from qa.errors import IndexMissing, IndexStale
from qa.index.build import build_index
from qa.index.freshness import check_corpus
from qa.index.store import CLAUSE_VECTORS, read_manifest
from qa.search.searcher import Searcher

SEED = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(SEED, folder)
    return folder


def test_round_trip_gives_the_same_results(corpus: Path, tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    index = tmp_path / "index"
    report = build_index(corpus, index, embedder, progress=False)
    assert report.documents == 5 and report.chunks > 100
    first = Searcher(index, embedder=embedder).search("tiến độ KCN Hải Long", 10)
    again = Searcher(index, embedder=embedder).search("tiến độ KCN Hải Long", 10)
    assert [h.chunk.chunk_id for h in first] == [h.chunk.chunk_id for h in again]
    assert [h.score for h in first] == pytest.approx([h.score for h in again])
    # a passage that goes on into the next section keeps where it begins (`Chunk.sections`)
    assert any(c.sections for c in Searcher(index, embedder=embedder).chunks)
    assert not list(index.rglob("*.pkl")) and not list(index.rglob("*.pickle"))
    assert np.load(index / CLAUSE_VECTORS).dtype == np.float16  # the largest file, halved


def test_incremental_build_embeds_only_changed_chunks(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    first = CountingEmbedder()
    report = build_index(corpus, index, first, progress=False)
    spans_embedded = report.sentences_embedded + report.clauses_embedded
    assert first.passages_embedded == report.embedded + spans_embedded
    # overlapping chunks share sentences and clauses: each distinct one is embedded once
    assert report.embedded > 0 and report.chunks < report.sentences_embedded < report.sentences
    assert report.sentences < report.clauses_embedded < report.clauses

    unchanged = CountingEmbedder()
    report = build_index(corpus, index, unchanged, progress=False)
    assert unchanged.passages_embedded == 0 and report.reused == report.chunks

    before = {row["embed_hash"] for row in _rows(index)}
    doc = corpus / "004_75266ca73367f016.txt"
    extra = "\n\nHội đồng nhân dân tỉnh giao thêm nhiệm vụ thử nghiệm cho các sở, ngành.\n"
    doc.write_text(doc.read_text(encoding="utf-8") + extra, "utf-8")
    changed = CountingEmbedder()
    report = build_index(corpus, index, changed, progress=False)
    new_hashes = {row["embed_hash"] for row in _rows(index)} - before
    spans_embedded = report.sentences_embedded + report.clauses_embedded
    assert changed.passages_embedded == len(new_hashes) + spans_embedded
    assert len(new_hashes) >= 1 and 1 <= report.sentences_embedded < report.sentences // 10
    assert 1 <= report.clauses_embedded < report.clauses // 10
    assert all(row["doc_id"] == doc.stem for row in _rows(index) if row["embed_hash"] in new_hashes)

    # OCR evidence is bundled, not taken from the other documents: removing a clean document
    # leaves the repaired text of the OCR'd one (002) as it was, so nothing is re-embedded.
    (corpus / "001_aee8520f9b3d1a4c.txt").unlink()
    removed = CountingEmbedder()
    report = build_index(corpus, index, removed, progress=False)
    assert report.documents == 4
    assert all(row["doc_id"] != "001_aee8520f9b3d1a4c" for row in _rows(index))
    assert removed.passages_embedded == 0 and report.reused == report.chunks


def test_an_older_format_gives_its_vectors_to_the_rebuild(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    report = build_index(corpus, index, CountingEmbedder(), progress=False)
    manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    manifest["format"] -= 1  # as before clause vectors: no clause files
    (index / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (index / CLAUSE_VECTORS).unlink()
    upgrade = CountingEmbedder()
    again = build_index(corpus, index, upgrade, progress=False)
    assert again.reused == again.chunks and again.sentences_embedded == 0
    assert upgrade.passages_embedded == again.clauses_embedded == report.clauses_embedded
    assert read_manifest(index)["format"] == manifest["format"] + 1


def _rows(index: Path) -> list[dict[str, object]]:
    lines = (index / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_stale_and_mismatched_indexes_are_detected(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    embedder = CountingEmbedder()
    with pytest.raises(IndexMissing, match="qa index"):
        Searcher(index)
    build_index(corpus, index, embedder, progress=False)
    searcher = Searcher(index, embedder=embedder)
    check_corpus(searcher.index_dir, searcher.manifest, corpus)  # fresh: no error

    older = {**searcher.manifest, "pipeline": "0"}  # as a reader before this one built it
    older["documents"] = {
        k: {**v, "fingerprint": v["fingerprint"].rsplit("-", 1)[0] + "-0"}
        for k, v in older["documents"].items()
    }
    with pytest.raises(IndexStale, match=r"older reader \(pipeline 0, now .*qa index"):
        check_corpus(searcher.index_dir, older, corpus)

    # terms of an older segmenter: the lexicon's fingerprint differs, the files did not change
    segmented = {**searcher.manifest, "terms": 2, "lexicon": "fingerprint of terms 2"}
    with pytest.raises(IndexStale, match=r"older segmenter \(version 2, now .*qa index"):
        check_corpus(searcher.index_dir, segmented, corpus)

    doc = corpus / "002_a6a4f491796d81bf.txt"
    doc.write_text(doc.read_text(encoding="utf-8") + "\nthêm\n", "utf-8")
    with pytest.raises(IndexStale, match=r"002_a6a4f491796d81bf.*qa index"):
        check_corpus(searcher.index_dir, searcher.manifest, corpus)

    other = CountingEmbedder()
    other.id = "another-model"
    with pytest.raises(IndexStale, match="another-model"):
        Searcher(index, embedder=other)

    manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    manifest["format"] = 0
    (index / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexStale, match="format"):
        Searcher(index)


class _FailingEmbedder(CountingEmbedder):
    def embed_passages(self, texts: list[str]):  # type: ignore[no-untyped-def]
        raise RuntimeError("model crashed mid-build")


def test_failed_build_leaves_the_previous_index_intact(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    build_index(corpus, index, CountingEmbedder(), progress=False)
    before = (index / "manifest.json").read_text(encoding="utf-8")
    doc = corpus / "003_031415255736158d.txt"
    doc.write_text(doc.read_text(encoding="utf-8") + "\n\nĐoạn mới cần nhúng.\n", "utf-8")
    failing = _FailingEmbedder()
    failing.id = CountingEmbedder.id
    with pytest.raises(RuntimeError):
        build_index(corpus, index, failing, progress=False)
    assert (index / "manifest.json").read_text(encoding="utf-8") == before
    assert not [p for p in tmp_path.iterdir() if "building" in p.name]


def test_corpus_abbreviations_are_used_and_tracked(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Trường Đại học Y Dược Thái Bình tuyển sinh năm 2024.\n", "utf-8")
    (corpus / "b.txt").write_text("Sản lượng lúa vụ Xuân đạt khá.\n", "utf-8")
    embedder = CountingEmbedder()
    build_index(corpus, tmp_path / "index", embedder, progress=False)
    assert Searcher(tmp_path / "index", embedder=embedder).search("ĐHYD", 2, "bm25") == []

    (corpus / "abbreviations.toml").write_text(
        '[abbreviations]\n"ĐHYD" = ["đại học y dược"]\n', encoding="utf-8"
    )
    with pytest.raises(IndexStale, match=r"abbreviations\.toml"):
        check_corpus(tmp_path / "index", read_manifest(tmp_path / "index"), corpus)
    build_index(corpus, tmp_path / "index", embedder, progress=False)
    hits = Searcher(tmp_path / "index", embedder=embedder).search("ĐHYD tuyển sinh", 2, "bm25")
    assert hits and hits[0].doc.doc_id == "a"


def test_abbreviations_the_documents_define_are_used_and_stay_fresh(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Thủ tướng quyết định thành lập Hội đồng thẩm định (HĐTĐ) liên ngành. "
        "HĐTĐ tổ chức thẩm định dự án ngày 11/8/2023.\n",
        "utf-8",
    )
    (corpus / "b.txt").write_text("Hội đồng nhân dân tỉnh họp thường kỳ.\n", "utf-8")
    embedder = CountingEmbedder()
    index = tmp_path / "index"
    build_index(corpus, index, embedder, progress=False)
    check_corpus(index, read_manifest(index), corpus)  # a definition is no change to the corpus
    searcher = Searcher(index, embedder=embedder)
    assert searcher.segmenter.terms("hội đồng thẩm định họp") == ["hđtđ", "họp"]
    hits = searcher.search("hội đồng thẩm định", 2, "bm25")
    assert [h.doc.doc_id for h in hits] == ["a"]
