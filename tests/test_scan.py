"""qa/ingest/scan: which pages need OCR, Tesseract on rendered Vietnamese pages, the OCR cache, and
one-line errors for the broken files a scan folder can hold."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from rapidfuzz.distance import Levenshtein
from scans import broken_image_pdf, huge_png, image_pdf, locked_pdf, many_page_tiff, page_image

from qa.config import Settings
from qa.errors import CorpusError
from qa.ingest.loaders import LoadedFile, iter_corpus
from qa.ingest.scan import Scanner
from qa.ingest.scan.cache import OcrCache
from qa.ingest.scan.decide import needs_ocr
from qa.ingest.scan.images import image_pages
from qa.ingest.scan.tesseract import engine_id
from qa.models import RawPage

SEED_LINES = [  # corpus/001_…: the chairman's closing speech
    "Công tác xây dựng nông thôn mới tiếp tục được chú trọng triển khai",
    "bảo đảm thực chất, hiệu quả, năm 2023 đã công nhận thêm 10 xã.",
]
needs_tesseract = pytest.mark.skipif(engine_id() is None, reason="no Tesseract with Vietnamese")


def _cer(expected: str, got: str) -> float:
    return Levenshtein.normalized_distance(" ".join(expected.split()), " ".join(got.split()))


def test_a_page_without_text_or_with_a_junk_layer_needs_ocr() -> None:
    clean = " ".join(SEED_LINES)
    junk = (
        "Quy Õt ®Þnh vÒ viÖc phª duyÖt kÕ ho¹ch ph¸t triÓn kinh tÕ x· héi n¨m"  # TCVN3 as Latin-1
    )
    assert needs_ocr("", "auto", 0.05)
    assert needs_ocr("   12  ", "auto", 0.05)
    assert needs_ocr(junk, "auto", 0.05)
    assert not needs_ocr(clean, "auto", 0.05)
    assert needs_ocr(clean, "always", 0.05)
    assert not needs_ocr("", "never", 0.05)


def test_ocr_mode_setting_is_checked() -> None:
    assert Settings().updated({"ocr": "never"}).ocr == "never"
    with pytest.raises(Exception, match="ocr"):
        Settings().updated({"ocr": "sometimes"})


@needs_tesseract
@pytest.mark.slow
def test_tesseract_reads_a_rendered_vietnamese_page_and_keeps_page_and_confidence(
    tmp_path: Path,
) -> None:
    path = tmp_path / "scan.png"
    page_image(SEED_LINES).save(path, dpi=(300, 300))
    scanner = Scanner()
    (page,) = scanner.read(path, ())
    assert page.number == 1
    assert page.ocr_confidence is not None and page.ocr_confidence > 80
    assert _cer("\n".join(SEED_LINES), page.text) < 0.02
    assert page.text.count("\n") == 1  # Tesseract's line break is kept for reflow


@needs_tesseract
@pytest.mark.slow
def test_unchanged_pages_come_from_the_cache_and_it_survives_a_save(tmp_path: Path) -> None:
    pdf = image_pdf(tmp_path / "scan.pdf", [SEED_LINES, SEED_LINES[:1]])
    first = Scanner()
    pages = first.read(pdf, (RawPage("", 1), RawPage("", 2)))
    assert first.pages_read == 2 and [p.number for p in pages] == [1, 2]
    first.cache.save(tmp_path)
    again = Scanner(cache=OcrCache.load(tmp_path))
    assert again.read(pdf, (RawPage("", 1), RawPage("", 2))) == pages
    assert again.pages_read == 0 and again.cache.hits == 2


@needs_tesseract
@pytest.mark.slow
def test_only_pages_without_a_good_text_layer_are_read(tmp_path: Path) -> None:
    pdf = image_pdf(tmp_path / "mixed.pdf", [SEED_LINES, SEED_LINES])
    layer = (RawPage(" ".join(SEED_LINES), 1), RawPage("", 2))
    scanner = Scanner()
    first, second = scanner.read(pdf, layer)
    assert first == layer[0] and first.ocr_confidence is None
    assert second.ocr_confidence is not None and scanner.pages_read == 1
    never = Scanner(Settings(ocr="never"))
    assert never.read(pdf, layer) == layer and never.pages_read == 0


def test_without_tesseract_scanned_pages_are_skipped_naming_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("qa.ingest.scan.reader.engine_id", lambda: None)
    pdf = image_pdf(tmp_path / "mixed.pdf", [SEED_LINES, SEED_LINES])
    layer = (RawPage(" ".join(SEED_LINES), 1), RawPage("", 2))
    scanner = Scanner()
    assert scanner.read(pdf, layer) == layer
    (warning,) = scanner.warnings
    assert "mixed.pdf" in warning and "tesseract-ocr-vie" in warning
    png = tmp_path / "photo.png"
    page_image(SEED_LINES).save(png)
    with pytest.raises(CorpusError, match=r"photo\.png.*tesseract-ocr-vie"):
        scanner.read(png, ())


def test_each_broken_scan_is_one_line_naming_it_and_the_other_files_go_on(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("\n".join(SEED_LINES), encoding="utf-8")
    (corpus / "empty.png").write_bytes(b"")
    huge_png(corpus / "bomb.png", 20_000, 20_000)
    huge_png(corpus / "poster.png", 9_000, 9_000)  # under Pillow's bomb limit, over ours
    many_page_tiff(corpus / "long.tiff", 500)
    source = image_pdf(tmp_path / "source.pdf", [SEED_LINES])
    locked_pdf(corpus / "locked.pdf", source)
    broken_image_pdf(corpus / "broken.pdf", source)
    scanner = Scanner()
    results = list(iter_corpus(corpus, scanner=scanner))
    loaded = [r.meta.doc_id for r in results if isinstance(r, LoadedFile)]
    errors = {Path(str(e).split(":")[0]).name: str(e) for e in results if isinstance(e, Exception)}
    assert loaded == ["good"]
    assert set(errors) == {
        "empty.png",
        "bomb.png",
        "poster.png",
        "long.tiff",
        "locked.pdf",
        "broken.pdf",
    }
    assert "empty file" in errors["empty.png"]
    assert "too large" in errors["bomb.png"]
    assert "page 1" in errors["poster.png"] and "ocr_max_pixels" in errors["poster.png"]
    assert "500 pages" in errors["long.tiff"] and "ocr_max_pages" in errors["long.tiff"]
    assert "password" in errors["locked.pdf"]
    assert all("\n" not in message for message in errors.values())


def test_photos_are_turned_upright_by_their_exif_orientation(tmp_path: Path) -> None:
    photo = Image.new("RGB", (300, 100), "white")
    exif = photo.getexif()
    exif[0x0112] = 6  # the camera was held sideways
    photo.save(tmp_path / "photo.jpg", exif=exif)
    (page,) = image_pages(tmp_path / "photo.jpg", [1], 10**8)
    assert page.image is not None and page.image.size == (100, 300) and page.image.mode == "L"


@needs_tesseract
@pytest.mark.slow
def test_a_folder_of_photos_is_read_together_before_files_are_loaded(tmp_path: Path) -> None:
    for number, line in enumerate(SEED_LINES, start=1):
        page_image([line]).save(tmp_path / f"photo{number}.png")
    scanner = Scanner(Settings(ocr_workers=2))
    loaded = [
        item for item in iter_corpus(tmp_path, scanner=scanner) if isinstance(item, LoadedFile)
    ]
    assert [item.meta.doc_id for item in loaded] == ["photo1", "photo2"]
    assert scanner.pages_read == 2 and scanner.cache.hits == 2  # loading found both read
    assert _cer(SEED_LINES[1], loaded[1].pages[0].text) < 0.05
