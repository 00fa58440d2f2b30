"""Tests for qa/ingest/ocr/evidence_file.py: the bundled table, its rebuild, corpus-free repair."""

from __future__ import annotations

import shutil
from pathlib import Path

from seed_corpus import CORPUS, OCR_REPORT

from qa.index.build import load_corpus
from qa.ingest.document import parse_document, parse_documents
from qa.ingest.loaders import load_file
from qa.ingest.ocr import PairEvidence
from qa.ingest.ocr.evidence_file import (
    EVIDENCE_FILE,
    build_evidence_file,
    bundled_evidence,
    read_evidence,
    write_evidence,
)

CLEAN = sorted(p for p in CORPUS.glob("*.txt") if not p.name.startswith("002"))


def test_the_shipped_table_is_what_the_rebuild_makes(tmp_path: Path) -> None:
    rebuilt = tmp_path / "evidence.tsv.gz"
    build_evidence_file(CLEAN, rebuilt)
    assert rebuilt.read_bytes() == EVIDENCE_FILE.read_bytes()
    assert EVIDENCE_FILE.stat().st_size < 100_000


def test_write_and_read_round_trip(tmp_path: Path) -> None:
    text = "Ủy ban nhân dân tỉnh, logistics, UBND tỉnh Thái Bình"
    evidence = PairEvidence.from_texts([text], ["nhân dân", "ủy ban"])
    path = tmp_path / "e.tsv.gz"
    write_evidence(evidence, path, ["test"])
    again = read_evidence(path)
    assert again == evidence
    assert again.pair_count("nhân", "dân") == 1 and "ubnd" in again.abbreviations
    assert "logistics" in again.loanwords
    assert again.words == {("nhân", "dân"), ("ủy", "ban")}


def test_the_report_is_repaired_with_dictionary_words_and_numbers() -> None:
    (damaged,) = CORPUS.glob(f"{OCR_REPORT}*.txt")
    text = parse_document(load_file(damaged, {})).text
    for fixed in ("tài liệu Giáo dục", "chuẩn phổ cập giáo dục", "Tổng chi ngân sách"):
        assert fixed in text
    for fixed in ("dự toán, bằng 86,5%", "Toàn tỉnh có 692", "học kỳ 2", "địa phương lớp 11"):
        assert fixed in text  # a number beside the damaged syllable is its evidence
    assert "không để ai bị bỏ lại phía sau" in text  # no word the reference lacks backs `bộ`


def test_a_damaged_file_is_refused_as_reference(tmp_path: Path) -> None:
    (damaged,) = CORPUS.glob(f"{OCR_REPORT}*.txt")
    try:
        build_evidence_file([damaged], tmp_path / "e.tsv.gz")
    except ValueError as exc:
        assert "OCR-damaged" in str(exc) and damaged.name in str(exc)
    else:
        raise AssertionError("a damaged reference was accepted")


def test_repaired_text_is_the_same_alone_or_with_the_others(tmp_path: Path) -> None:
    (damaged,) = CORPUS.glob(f"{OCR_REPORT}*.txt")
    alone_folder = tmp_path / "alone"
    alone_folder.mkdir()
    shutil.copy(damaged, alone_folder)
    (alone,), _ = load_corpus(alone_folder)
    together = {doc.meta.doc_id: doc for doc in load_corpus(CORPUS)[0]}[OCR_REPORT]
    assert alone.text == together.text
    assert alone.ocr == together.ocr
    assert (together.ocr.invalid_before, together.ocr.invalid_after) == (323, 81)


def test_parse_documents_is_parse_document_for_each() -> None:
    loaded = [load_file(path, {}) for path in sorted(CORPUS.glob("*.txt"))]
    assert [d.text for d in parse_documents(loaded)] == [parse_document(i).text for i in loaded]
    assert bundled_evidence() is bundled_evidence()
