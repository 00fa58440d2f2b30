"""Tests for qa/ingest/corpus_files.py: unique, stable, NFC ids; sub-folders; links; hidden."""

from __future__ import annotations

import os
import shutil
import unicodedata
from pathlib import Path

import pytest
from helpers import CountingEmbedder

from qa.index.build import build_index, load_corpus
from qa.index.freshness import check_corpus
from qa.ingest.corpus_files import bare_id, scan_corpus
from qa.search.searcher import Filters, Searcher

SEED = Path(__file__).resolve().parents[1] / "corpus"
RESOLUTION = SEED / "004_75266ca73367f016.txt"
PROGRAMME = SEED / "003_031415255736158d.txt"


def _ids(folder: Path) -> dict[str, str]:
    """id → file path below the folder."""
    return {f.doc_id: f.path.relative_to(folder).as_posix() for f in scan_corpus(folder).files}


def test_files_sharing_a_stem_get_unique_ids(tmp_path: Path) -> None:
    shutil.copy(RESOLUTION, tmp_path / "dup.md")
    shutil.copy(PROGRAMME, tmp_path / "dup.txt")
    files = {f.doc_id: f for f in scan_corpus(tmp_path).files}
    assert {k: f.path.name for k, f in files.items()} == {"dup": "dup.txt", "dup.md": "dup.md"}
    assert files["dup.md"].id_note == "id keeps its extension: dup.txt has the id dup"
    assert files["dup"].id_note == ""
    docs, errors = load_corpus(tmp_path)
    assert errors == []
    texts = {doc.meta.doc_id: doc.text for doc in docs}
    assert "Chương trình hành động" in texts["dup"] and "QUYẾT NGHỊ" in texts["dup.md"]
    assert {doc.meta.doc_id: doc.meta.id_note for doc in docs}["dup.md"].startswith("id keeps")


def test_ids_are_stable_when_unrelated_or_lower_ranked_files_are_added(tmp_path: Path) -> None:
    shutil.copy(PROGRAMME, tmp_path / "dup.txt")
    shutil.copy(RESOLUTION, tmp_path / "report.pdf.txt")
    before = _ids(tmp_path)
    (tmp_path / "other.md").write_text("# Ghi chú\n\nThủy lợi.\n", encoding="utf-8")
    (tmp_path / "dup.docx").write_bytes(b"")  # same stem, ranked after .txt
    after = _ids(tmp_path)
    assert {k: after[k] for k in before} == before
    assert after["dup.docx"] == "dup.docx" and after["other"] == "other.md"


def test_decomposed_file_names_give_nfc_ids(tmp_path: Path) -> None:
    name = unicodedata.normalize("NFD", "Báo cáo tỉnh Thái Bình.txt")
    shutil.copy(RESOLUTION, tmp_path / name)
    (doc_id,) = _ids(tmp_path)
    assert doc_id == "Báo cáo tỉnh Thái Bình" == unicodedata.normalize("NFC", doc_id)


def test_sub_folders_are_indexed_with_path_ids_and_hidden_ones_skipped(tmp_path: Path) -> None:
    (tmp_path / "2023" / "quý 4").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    shutil.copy(RESOLUTION, tmp_path / "2023" / "quý 4" / "nghị quyết.txt")
    shutil.copy(PROGRAMME, tmp_path / "2023" / "chương trình.txt")
    shutil.copy(PROGRAMME, tmp_path / ".git" / "copy.txt")
    shutil.copy(PROGRAMME, tmp_path / ".hidden.txt")
    assert sorted(_ids(tmp_path)) == ["2023/chương trình", "2023/quý 4/nghị quyết"]
    assert bare_id(tmp_path / "a" / "b.c.txt", tmp_path) == "a/b.c"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_links_leaving_the_corpus_are_not_followed(tmp_path: Path) -> None:
    corpus, outside = tmp_path / "corpus", tmp_path / "outside"
    corpus.mkdir()
    outside.mkdir()
    shutil.copy(RESOLUTION, outside / "secret.txt")
    shutil.copy(PROGRAMME, corpus / "real.txt")
    (corpus / "escape.txt").symlink_to(outside / "secret.txt")
    (corpus / "inside.txt").symlink_to(corpus / "real.txt")
    (corpus / "folder").symlink_to(outside, target_is_directory=True)
    (corpus / "loop").symlink_to(corpus, target_is_directory=True)
    scan = scan_corpus(corpus)
    assert [f.doc_id for f in scan.files] == ["inside", "real"]
    assert sorted(scan.warnings) == [
        f"{corpus / 'escape.txt'}: link leaves the corpus folder, not followed",
        f"{corpus / 'folder'}: linked folder not followed",
        f"{corpus / 'loop'}: linked folder not followed",
    ]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_each_corpus_warning_is_logged_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(PROGRAMME, corpus / "real.txt")
    (tmp_path / "secret.txt").write_text("Thái Bình", encoding="utf-8")
    (corpus / "escape.txt").symlink_to(tmp_path / "secret.txt")
    (corpus / "zeros.txt").write_bytes(b"\x00" * 64)
    caplog.set_level("WARNING")
    build_index(corpus, tmp_path / "index", CountingEmbedder(), progress=False)
    messages = [record.getMessage() for record in caplog.records]
    assert sum("escape.txt" in m for m in messages) == 1
    assert sum("zeros.txt" in m for m in messages) == 0  # an error: returned, not logged


def test_doc_filter_and_freshness_work_with_folder_and_nfd_ids(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "2023").mkdir(parents=True)
    shutil.copy(RESOLUTION, corpus / "2023" / unicodedata.normalize("NFD", "nghị quyết.txt"))
    shutil.copy(PROGRAMME, corpus / "dup.txt")
    shutil.copy(RESOLUTION, corpus / "dup.md")
    embedder = CountingEmbedder()
    build_index(corpus, tmp_path / "index", embedder, progress=False)
    searcher = Searcher(tmp_path / "index", embedder=embedder)
    check_corpus(
        searcher.index_dir, searcher.manifest, corpus
    )  # the ids of the scan are the ids of the index: fresh
    assert sorted(searcher.docs) == ["2023/nghị quyết", "dup", "dup.md"]
    for doc_id in searcher.docs:
        hits = searcher.search("tăng trưởng kinh tế", 5, filters=Filters(doc_ids=(doc_id,)))
        assert hits and {hit.doc.doc_id for hit in hits} == {doc_id}
