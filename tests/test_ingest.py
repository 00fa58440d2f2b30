"""Tests for qa/ingest/loaders.py: loaders on files the tests generate, and bad input."""

from __future__ import annotations

import shutil
import unicodedata
import zipfile
from pathlib import Path

import docx
import matplotlib
import pytest
from legacy_text import cp1258

from qa.config import Settings
from qa.errors import CorpusError
from qa.index.build import load_corpus
from qa.ingest.corpus_files import scan_corpus
from qa.ingest.document import parse_documents
from qa.ingest.loaders import (
    LoadedFile,
    iter_corpus,
    load_docx,
    load_file,
    load_pdf,
    load_text_file,
    read_catalog,
)

matplotlib.use("Agg")

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
PAGE_1 = "Khu công nghiệp Hải Long đạt 47.411 tỷ đồng."
PAGE_2 = "Tổng diện tích cấy lúa năm 2023 đạt 149.863 ha."


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def write_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A real PDF with one page per list of lines (matplotlib embeds a Unicode font)."""
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    with PdfPages(path) as pdf:
        for lines in pages:
            figure = plt.figure(figsize=(8.27, 11.69))
            for row, line in enumerate(lines):
                figure.text(0.08, 0.92 - 0.04 * row, line)
            pdf.savefig(figure)
            plt.close(figure)
    return path


def write_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_heading("Tình hình kinh tế - xã hội tháng 01 năm 2024", level=1)
    document.add_paragraph("Thái Bình, ngày 19 tháng 5 năm 2023")
    document.add_heading("I. PHÁT TRIỂN KINH TẾ", level=2)
    document.add_paragraph(PAGE_1)
    document.add_paragraph("   ")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Chỉ tiêu"
    table.cell(0, 1).text = "Kết quả"
    table.cell(1, 0).text = "GRDP"
    table.cell(1, 1).text = "7,72%"
    document.save(str(path))
    return path


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    """A corpus folder with one good file of each kind and a catalog for one of them."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_pdf(corpus / "report.pdf", [[PAGE_1], ["Trang hai:", PAGE_2]])
    write_docx(corpus / "plan.docx")
    (corpus / "note.md").write_text("# Ghi chú\n\nThủy lợi được bảo đảm.\n", encoding="utf-8")
    (corpus / "catalog.toml").write_text(
        '[report]\ntitle = "Báo cáo thử"\ndate = "2023-09"\nkind = "báo cáo"\n', encoding="utf-8"
    )
    (corpus / "drawing.svg").write_bytes(b"<svg/>")  # unsupported: ignored
    return corpus


def test_pdf_keeps_page_numbers(tmp_path: Path) -> None:
    pages = load_pdf(write_pdf(tmp_path / "two.pdf", [[PAGE_1], ["Trang hai:", PAGE_2]])).pages
    assert [page.number for page in pages] == [1, 2]
    assert PAGE_1 in _nfc(pages[0].text)
    assert PAGE_2 in _nfc(pages[1].text) and PAGE_1 not in _nfc(pages[1].text)


def test_pdf_pages_reach_the_parsed_paragraphs(folder: Path) -> None:
    loaded = load_file(folder / "report.pdf", read_catalog(folder))
    (doc,) = parse_documents([loaded])
    pages = {p.text: p.page for p in doc.paragraphs}
    assert pages[PAGE_1] == 1
    assert pages[PAGE_2] == 2
    assert (doc.meta.title, doc.meta.date, doc.meta.kind) == ("Báo cáo thử", "2023-09", "báo cáo")


def test_a_sentence_wrapped_across_pdf_pages_is_one_paragraph(tmp_path: Path) -> None:
    path = write_pdf(
        tmp_path / "wrapped.pdf",
        [
            ["Tổng sản phẩm trên địa bàn tỉnh ước đạt", "47.411 tỷ đồng, giai đoạn 2021-"],
            ["2025 và năm 2023.", "1. Sản xuất nông nghiệp", "Lúa Xuân được mùa."],
        ],
    )
    (doc,) = parse_documents([load_file(path, {})])
    assert [(p.text, p.page, p.role) for p in doc.paragraphs] == [
        (
            "Tổng sản phẩm trên địa bàn tỉnh ước đạt 47.411 tỷ đồng, giai đoạn 2021-2025 "
            "và năm 2023.",
            1,
            "body",
        ),
        ("1. Sản xuất nông nghiệp", 2, "heading"),
        ("Lúa Xuân được mùa.", 2, "body"),
    ]


def test_a_paragraph_after_an_empty_page_gets_the_page_it_is_on(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "blank.pdf", [[PAGE_1], [], [PAGE_2]])
    (doc,) = parse_documents([load_file(path, {})])
    assert [(p.text, p.page) for p in doc.paragraphs] == [(PAGE_1, 1), (PAGE_2, 3)]


def test_docx_headings_paragraphs_and_tables(tmp_path: Path) -> None:
    (page,) = load_docx(write_docx(tmp_path / "plan.docx")).pages
    assert page.number is None
    assert page.text.split("\n\n") == [
        "# Tình hình kinh tế - xã hội tháng 01 năm 2024",
        "Thái Bình, ngày 19 tháng 5 năm 2023",
        "## I. PHÁT TRIỂN KINH TẾ",
        PAGE_1,
        "Chỉ tiêu | Kết quả",
        "GRDP | 7,72%",
    ]


def test_uncatalogued_docx_gets_derived_metadata(folder: Path) -> None:
    loaded = load_file(folder / "plan.docx", read_catalog(folder))
    assert loaded.meta.title == "Tình hình kinh tế - xã hội tháng 01 năm 2024"
    assert loaded.meta.date == "2023-05-19"  # the signing line beats the reporting month
    assert loaded.meta.title_derived and loaded.meta.date_derived
    (doc,) = parse_documents([loaded])
    # DOCX paragraphs stay paragraphs: the title is not joined with the date line below it.
    assert [(p.text, p.role) for p in doc.paragraphs] == [
        ("Tình hình kinh tế - xã hội tháng 01 năm 2024", "body"),
        ("Thái Bình, ngày 19 tháng 5 năm 2023", "body"),
        ("I. PHÁT TRIỂN KINH TẾ", "heading"),
        (PAGE_1, "body"),
        ("Chỉ tiêu | Kết quả", "body"),
        ("GRDP | 7,72%", "body"),
    ]


def test_text_loader_reads_utf8_with_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffThái Bình".encode())
    extracted = load_text_file(path)
    (page,) = extracted.pages
    assert page.text == "Thái Bình" and page.number is None
    assert extracted.encoding == "utf-8-sig"


def test_folder_loads_every_supported_file(folder: Path) -> None:
    assert [f.path.name for f in scan_corpus(folder).files] == [
        "note.md",
        "plan.docx",
        "report.pdf",
    ]
    items = list(iter_corpus(folder))
    assert all(isinstance(item, LoadedFile) for item in items)
    fingerprints = {item.fingerprint for item in items if isinstance(item, LoadedFile)}
    assert len(fingerprints) == 3


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="corpus folder not found"):
        list(iter_corpus(tmp_path / "nowhere"))
    with pytest.raises(CorpusError, match="corpus folder not found"):
        load_corpus(tmp_path / "nowhere")


def test_folder_without_documents(tmp_path: Path) -> None:
    (tmp_path / "readme.rtf").write_text("x", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"no \.txt, \.md, \.pdf, \.docx or scanned image files"):
        list(iter_corpus(tmp_path))


def _bad_files(folder: Path) -> dict[str, str]:
    """Broken files next to the good ones: name → what the error must say."""
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.md").write_text(" \n\n \t\n", encoding="utf-8")
    (folder / "zeros.txt").write_bytes(b"\x00" * 4096)
    (folder / "french.txt").write_bytes("Le projet a été adopté à Genève".encode("latin-1"))
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage")
    (folder / "truncated.pdf").write_bytes((folder / "report.pdf").read_bytes()[:400])
    (folder / "corrupt.docx").write_bytes(b"PK\x03\x04 not really a zip")
    with zipfile.ZipFile(folder / "nodocument.docx", "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    write_docx(folder / "brokenxml.docx")
    with (
        zipfile.ZipFile(folder / "brokenxml.docx") as source,
        zipfile.ZipFile(folder / "halfxml.docx", "w") as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(
                item, data[: len(data) // 2] if item.filename.endswith("t.xml") else data
            )
    (folder / "brokenxml.docx").unlink()
    return {
        "empty.txt": "empty document",
        "blank.md": "empty document",
        "zeros.txt": "binary data (NUL bytes), not a text file",
        "french.txt": "not UTF-8, and no Vietnamese encoding fits",
        "corrupt.pdf": "corrupt or unreadable PDF",
        "truncated.pdf": "corrupt or unreadable PDF",
        "corrupt.docx": "corrupt or unreadable DOCX",
        "nodocument.docx": "corrupt or unreadable DOCX",
        "halfxml.docx": "corrupt or unreadable DOCX",
    }


def test_bad_files_are_named_errors_and_the_rest_still_loads(folder: Path) -> None:
    expected = _bad_files(folder)
    items = list(iter_corpus(folder))
    errors = [item for item in items if isinstance(item, CorpusError)]
    loaded = [item for item in items if isinstance(item, LoadedFile)]
    assert sorted(item.meta.doc_id for item in loaded) == ["note", "plan", "report"]
    assert len(errors) == len(expected)
    for name, message in expected.items():
        (error,) = [e for e in errors if Path(str(e).split(": ")[0]).name == name]
        assert message in str(error), (name, str(error))
        assert str(folder / name) in str(error)


def test_each_bad_file_raises_corpus_error_alone(folder: Path) -> None:
    for name in _bad_files(folder):
        with pytest.raises(CorpusError, match=name.replace(".", r"\.")):
            load_file(folder / name, {})


def test_load_corpus_reports_errors_and_parses_the_rest(folder: Path) -> None:
    (folder / "legacy.txt").write_bytes(cp1258("Nghị quyết"))
    (folder / "zeros.md").write_bytes(b"\x00" * 100)
    docs, errors = load_corpus(folder)
    assert sorted(doc.meta.doc_id for doc in docs) == ["legacy", "note", "plan", "report"]
    assert len(errors) == 1 and "zeros.md" in str(errors[0]) and "iconv" not in str(errors[0])


def test_no_readable_document_at_all(tmp_path: Path) -> None:
    (tmp_path / "zeros.txt").write_bytes(b"\x00" * 100)
    with pytest.raises(CorpusError, match="no readable document"):
        load_corpus(tmp_path)


def test_broken_catalog_is_an_error(folder: Path) -> None:
    (folder / "catalog.toml").write_text('[report\ntitle = "x"', encoding="utf-8")
    with pytest.raises(CorpusError, match=r"catalog\.toml: invalid TOML"):
        list(iter_corpus(folder))


def test_seed_corpus_loads_without_errors(tmp_path: Path) -> None:
    shutil.copytree(CORPUS, tmp_path / "seed")
    items = list(iter_corpus(tmp_path / "seed"))
    assert len(items) == 5 and all(isinstance(item, LoadedFile) for item in items)


def test_an_oversized_file_is_refused_before_it_is_read(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = folder / "big.txt"
    with big.open("wb") as stream:  # 30 MB, sparse: nothing to read but its size
        stream.truncate(30_000_000)
    read: list[Path] = []
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self) or original(self))
    items = list(iter_corpus(folder))
    (error,) = [item for item in items if isinstance(item, CorpusError)]
    assert str(error) == (
        f"{big}: 30.0 MB, over the 10 MB limit for text files "
        "(setting max_text_mb; raise it with --settings)"
    )
    assert big not in read
    assert sorted(i.meta.doc_id for i in items if isinstance(i, LoadedFile)) == [
        "note",
        "plan",
        "report",
    ]


def test_size_limits_come_from_settings(folder: Path) -> None:
    small = Settings(max_text_mb=0.00001, max_pdf_docx_mb=0.001)
    with pytest.raises(CorpusError, match=r"note\.md: 0\.0 MB, over the 1e-05 MB limit"):
        load_file(folder / "note.md", {}, small)
    with pytest.raises(CorpusError, match=r"report\.pdf: .* limit for PDF files .*max_pdf_docx_mb"):
        load_file(folder / "report.pdf", {}, small)
    text_only = Settings(max_text_mb=0.00002)  # the PDF is small, its text is not
    with pytest.raises(CorpusError, match=r"report\.pdf: more than .* of text .*max_text_mb"):
        load_file(folder / "report.pdf", {}, text_only)
    assert load_file(folder / "report.pdf", {}, Settings()).pages


def test_reading_progress_names_each_file_before_it_is_read(folder: Path) -> None:
    seen: list[str] = []
    docs, _ = load_corpus(folder, on_file=seen.append)
    assert seen == ["note", "plan", "report"] == [doc.meta.doc_id for doc in docs]
