"""The OCR quality benchmark: degraded renders of seed text, read and repaired, then scored."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader

from qa.bench.ocr import degrade, ocr_bench_text, run_ocr_bench, write_scanned_corpus
from qa.cli.main import main
from qa.ingest.scan.render import render_page
from qa.ingest.scan.tesseract import engine_id

SEED = Path(__file__).resolve().parents[1] / "corpus"


def test_degrading_tilts_blurs_and_speckles_but_keeps_the_page() -> None:
    page = render_page(["Ủy ban nhân dân tỉnh Thái Bình"], 200)
    scanned = degrade(page, 200, np.random.default_rng(0))
    before, after = np.asarray(page), np.asarray(scanned)
    assert scanned.size == page.size and scanned.mode == "L"
    assert (before != after).mean() > 0.001  # speckle and blur changed pixels
    assert abs(float(before.mean()) - float(after.mean())) < 5  # still a white page of text


@pytest.mark.slow
@pytest.mark.skipif(engine_id() is None, reason="no Tesseract with Vietnamese")
def test_benchmark_scores_rendered_seed_pages(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("001_aee8520f9b3d1a4c.txt", "004_75266ca73367f016.txt"):
        text = (SEED / name).read_text(encoding="utf-8")
        (corpus / name).write_text(text[: text.index("\n", 1500)], encoding="utf-8")
    result = run_ocr_bench(corpus, pages=1)
    assert [r["dpi"] for r in result["resolutions"]] == [200, 300]
    for row in result["resolutions"]:
        assert row["pages"] == 1 and row["characters"] > 500
        assert row["cer_repaired"] < 0.05 and row["pages_per_second"] > 0
    assert "| 300 | 1 |" in ocr_bench_text(result)


def test_bench_ocr_needs_a_page(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--ocr", "0"]) == 2
    assert "at least 1 page" in capsys.readouterr().err


def test_a_scanned_copy_of_a_corpus_has_image_only_pdfs_of_the_same_names(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = (SEED / "004_75266ca73367f016.txt").read_text(encoding="utf-8")
    (corpus / "004.txt").write_text(text[:4000], encoding="utf-8")
    (corpus / "catalog.toml").write_text('[004]\ntitle = "Báo cáo"\n', encoding="utf-8")
    pages = write_scanned_corpus(corpus, tmp_path / "scans", dpi=100)
    reader = PdfReader(tmp_path / "scans" / "004.pdf")
    assert pages == len(reader.pages) >= 2  # 4,000 characters do not fit on one page
    assert all(not (page.extract_text() or "").strip() for page in reader.pages)
    assert (tmp_path / "scans" / "catalog.toml").read_text(encoding="utf-8").startswith("[004]")
