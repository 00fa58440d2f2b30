"""Tests for qa/ingest/document.py (and loaders' metadata) on the whole seed corpus."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from seed_corpus import CORPUS, OCR_REPORT, REPORT_9_MONTHS, parsed_seed_corpus

from qa.index.build import load_corpus
from qa.ingest.document import PARAGRAPH_GAP, PIPELINE_VERSION, parse_documents
from qa.ingest.loaders import derive_date, derive_title, iter_corpus, read_catalog
from qa.models import ParsedDocument

SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
SENTINELS = ("\ue000", "\ue001", "\ue002", "\ue003")


@pytest.fixture(scope="module")
def docs() -> dict[str, ParsedDocument]:
    return parsed_seed_corpus()


@pytest.fixture(scope="module")
def report(docs: dict[str, ParsedDocument]) -> ParsedDocument:
    return docs[REPORT_9_MONTHS]


def test_all_seed_documents_parse(docs: dict[str, ParsedDocument]) -> None:
    assert sorted(docs) == sorted(p.stem for p in CORPUS.glob("*.txt"))
    for doc in docs.values():
        assert len(doc.paragraphs) >= 40, doc.meta.doc_id
        assert doc.fingerprint.endswith(f"-{PIPELINE_VERSION}")


def test_paragraph_spans_round_trip(docs: dict[str, ParsedDocument]) -> None:
    for doc in docs.values():
        previous_end = None
        for paragraph in doc.paragraphs:
            assert doc.text[paragraph.start : paragraph.end] == paragraph.text
            assert paragraph.text and paragraph.text == paragraph.text.strip()
            if previous_end is not None:
                assert doc.text[previous_end : paragraph.start] == PARAGRAPH_GAP
            previous_end = paragraph.end
        assert previous_end == len(doc.text)


def test_no_sentinel_survives_into_the_text(docs: dict[str, ParsedDocument]) -> None:
    for doc in docs.values():
        assert not any(s in doc.text for s in SENTINELS), doc.meta.doc_id
        assert "  " not in doc.text.replace(PARAGRAPH_GAP, "\n"), doc.meta.doc_id


def test_roles_and_sections(report: ParsedDocument) -> None:
    roles = {p.role for p in report.paragraphs}
    assert roles == {"heading", "body", "footnote"}
    heading = next(p for p in report.paragraphs if p.text.startswith("1. Sản xuất nông"))
    assert heading.role == "heading"
    assert heading.section == (
        "Phần thứ nhất TÌNH HÌNH PHÁT TRIỂN KINH TẾ - XÃ HỘI 9 THÁNG NĂM 2023",
        "I. PHÁT TRIỂN KINH TẾ",
        "1. Sản xuất nông, lâm nghiệp và thủy sản; xây dựng nông thôn mới",
    )
    grdp = next(p for p in report.paragraphs if p.text.startswith("Tổng sản phẩm trên địa bàn"))
    assert grdp.role == "body"
    assert grdp.text.endswith("tăng 7,72% so với cùng kỳ năm 2022¹.")
    assert grdp.section[-1] == "I. PHÁT TRIỂN KINH TẾ"
    # Body paragraphs come first, footnotes after, in number order.
    first_note = next(i for i, p in enumerate(report.paragraphs) if p.role == "footnote")
    assert all(p.role == "footnote" for p in report.paragraphs[first_note:])


def test_every_footnote_of_the_report_is_split_out(report: ParsedDocument) -> None:
    numbers = [f.number for f in report.footnotes]
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) >= 60
    for note in report.footnotes:
        assert report.text[note.start : note.end] == note.text
        paragraph = next(p for p in report.paragraphs if p.footnote == note.number)
        assert (paragraph.start, paragraph.end, paragraph.role) == (
            note.start,
            note.end,
            "footnote",
        )
        assert paragraph.section[-1] == f"Chú thích {note.number}"


def test_every_footnote_marker_is_a_superscript_in_the_body(report: ParsedDocument) -> None:
    body_end = min(f.start for f in report.footnotes)
    for note in report.footnotes:
        assert note.marker is not None, note.number  # 56 and 57 used to lose theirs
        assert note.marker < body_end
        shown = str(note.number).translate(SUPERSCRIPT)
        assert report.text[note.marker : note.marker + len(shown)] == shown
    markers = [f.marker for f in report.footnotes]
    assert markers == sorted(markers)


def test_real_footnotes_and_their_markers(report: ParsedDocument) -> None:
    notes = {f.number: f for f in report.footnotes}
    assert "chỉ đạo đẩy nhanh tiến độ triển khai KCN Hải Long" in notes[27].text
    assert "1004/QĐ-TTg" in notes[27].text
    assert notes[28].text.startswith("Chín tháng năm 2023, Ban Quản lý KKT")
    assert notes[26].text == "Văn bản số 8670/BGTVT-KHĐT ngày 09/8/2023 của Bộ Giao thông vận tải"
    assert notes[61].text.startswith("GRDP tăng 7,72%/ kế hoạch 11%")

    def before(number: int, width: int = 40) -> str:
        marker = notes[number].marker
        assert marker is not None
        return report.text[marker - width : marker]

    assert before(27).endswith("KCN Dược - Sinh học")
    assert before(56).endswith("theo kế hoạch và quy định")
    assert before(57).endswith("kết luận của thanh tra, kiểm toán")
    # A footnote's section is the section of its marker.
    note_27 = next(p for p in report.paragraphs if p.footnote == 27)
    assert note_27.section[:2] == (
        "Phần thứ nhất TÌNH HÌNH PHÁT TRIỂN KINH TẾ - XÃ HỘI 9 THÁNG NĂM 2023",
        "I. PHÁT TRIỂN KINH TẾ",
    )


def test_body_text_swallowed_by_footnotes_is_back_in_the_body(report: ParsedDocument) -> None:
    body = " ".join(p.text for p in report.paragraphs if p.role != "footnote")
    notes = " ".join(f.text for f in report.footnotes)
    for text in (
        "sở; chương trình trọng tâm cải cách tư pháp năm 2023",
        "Ban hành Kế hoạch và triển khai thực hiện thanh tra, kiểm tra công vụ",
        "phụ trợ điện khí và Trung tâm Điện - Khí LNG",
    ):
        assert text in body and text not in notes


def test_ocr_report_footnotes_and_repair(docs: dict[str, ParsedDocument]) -> None:
    doc = docs[OCR_REPORT]
    assert [f.number for f in doc.footnotes] == [1, 2, 3, 4]
    assert all(f.marker is not None for f in doc.footnotes)
    assert doc.ocr.invalid_before > 0
    assert doc.ocr.invalid_after <= doc.ocr.invalid_before
    clean = docs["003_031415255736158d"]
    assert clean.ocr.invalid_before == 0 and clean.footnotes == ()


def test_text_files_have_no_page_numbers(docs: dict[str, ParsedDocument]) -> None:
    for doc in docs.values():
        assert {p.page for p in doc.paragraphs} == {None}


def test_titles_and_dates_come_from_the_catalog(docs: dict[str, ParsedDocument]) -> None:
    catalog = read_catalog(CORPUS)
    for doc_id, doc in docs.items():
        entry = catalog[doc_id]
        assert doc.meta.title == entry["title"]
        assert doc.meta.date == entry["date"]
        assert doc.meta.kind == entry["kind"]
        assert doc.meta.issuer == entry["issuer"]
        assert not doc.meta.title_derived and not doc.meta.date_derived


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Thái Bình, ngày 19 tháng 5 năm 2023", "2023-05-19"),
        ("UBND TỈNH\n  TP. Thái Bình, ngày 3 tháng 4 năm 2024", "2024-04-03"),
        ("Tình hình kinh tế - xã hội tháng 01 năm 2024", "2024-01"),
        ("Tình hình kinh tế - xã hội tháng 01, nhiệm vụ trọng tâm tháng 02 năm 2024", "2024-01"),
        ("TÌNH HÌNH PHÁT TRIỂN KINH TẾ - XÃ HỘI 9 tháng năm 2023", "2023-09"),
        ("Báo cáo 6 tháng đầu năm 2023", "2023-06"),
        (
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\n"
            "Xét Báo cáo số 143/BC-UBND ngày 30 tháng 11 năm 2023",
            "2023-11-30",
        ),
        (
            "Căn cứ Luật ngày 19 tháng 6 năm 2015;\nNghị quyết này đã được Hội đồng nhân dân "
            "tỉnh Khóa XVII, Kỳ họp thứ Bảy thông qua ngày 08 tháng 12 năm 2023",
            "2023-12-08",
        ),
        ("ngày 40 tháng 13 năm 2023", None),
        ("Không có ngày tháng", None),
    ],
)
def test_derive_date(text: str, date: str | None) -> None:
    assert derive_date(text) == date


def test_derive_title() -> None:
    assert derive_title("\n\nNGHỊ QUYẾT\n\nVề mục tiêu, nhiệm vụ\n\nCăn cứ Luật.", "x") == (
        "NGHỊ QUYẾT Về mục tiêu, nhiệm vụ"
    )
    assert derive_title(
        "Thái Bình, ngày 19 tháng 5 năm 2023\n\n**CHƯƠNG TRÌNH HÀNH ĐỘNG**", "x"
    ) == ("CHƯƠNG TRÌNH HÀNH ĐỘNG")
    assert derive_title("\n- 3 -\n\n", "fallback") == "fallback"


def test_uncatalogued_copies_get_derived_titles_and_dates(tmp_path: Path) -> None:
    for path in CORPUS.glob("*.txt"):
        shutil.copy(path, tmp_path / path.name)
    loaded = [item for item in iter_corpus(tmp_path) if not isinstance(item, Exception)]
    assert len(loaded) == 5
    metas = {item.meta.doc_id: item.meta for item in loaded}
    assert all(m.title_derived and m.date_derived for m in metas.values())
    assert metas[REPORT_9_MONTHS].date == "2023-09"
    assert metas[REPORT_9_MONTHS].title == (
        "Tình hình phát triển kinh tế - xã hội 9 tháng; nhiệm vụ, giải pháp trọng tâm 3 tháng "
        "cuối năm 2023"
    )
    assert metas[OCR_REPORT].date == "2024-01"
    assert metas["003_031415255736158d"].date == "2023-05-19"
    assert metas["003_031415255736158d"].title.startswith(
        "CHƯƠNG TRÌNH HÀNH ĐỘNG CỦA BAN THƯỜNG VỤ TỈNH ỦY thực hiện Nghị quyết"
    )
    assert metas["004_75266ca73367f016"].date == "2023-12-08"  # adopted, not a cited law's date
    assert metas["004_75266ca73367f016"].title.startswith("NGHỊ QUYẾT Về mục tiêu, nhiệm vụ")
    assert metas["001_aee8520f9b3d1a4c"].title.startswith(
        "Tận dụng thời cơ, phát huy hết tiềm năng"
    )
    assert all(m.kind == "tài liệu" and m.issuer == "" for m in metas.values())


def test_a_partial_catalog_entry_keeps_what_it_gives(tmp_path: Path) -> None:
    (path,) = CORPUS.glob("003_*.txt")
    shutil.copy(path, tmp_path / path.name)
    (tmp_path / "catalog.toml").write_text(
        f'["{path.stem}"]\ntitle = "Chương trình hành động 29-NQ/TW"\n', encoding="utf-8"
    )
    docs, errors = load_corpus(tmp_path)
    assert errors == []
    (doc,) = docs
    assert (doc.meta.title, doc.meta.title_derived) == ("Chương trình hành động 29-NQ/TW", False)
    assert (doc.meta.date, doc.meta.date_derived) == ("2023-05-19", True)


def test_parsing_is_deterministic(docs: dict[str, ParsedDocument]) -> None:
    loaded = [
        item
        for item in iter_corpus(CORPUS)
        if not isinstance(item, Exception) and item.meta.doc_id == "004_75266ca73367f016"
    ]
    (again,) = parse_documents(loaded)
    assert again == docs["004_75266ca73367f016"]
