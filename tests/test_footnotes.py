"""Tests for qa/ingest/footnotes.py on the real interleaved footnotes of the seed corpus."""

from __future__ import annotations

import unicodedata

import pytest
from seed_corpus import seed_lines

from qa.ingest.footnotes import (
    MARK_CLOSE,
    MARK_OPEN,
    MARK_RE,
    FootnoteSplit,
    has_caret_footnotes,
    has_numbered_footnotes,
    is_page_mark,
    marker,
    page_mark,
    split_caret_footnotes,
    split_numbered_footnotes,
)
from qa.ingest.reflow import join_lines


def _content_lines(prefix: str) -> list[str]:
    return [line for line in seed_lines(prefix) if line.strip()]


def _note(split: FootnoteSplit, number: int) -> str:
    text = ""
    for part in split.notes[number]:
        text = join_lines(text, part)
    return text


@pytest.fixture(scope="module")
def report() -> FootnoteSplit:
    """The 9-month 2023 report (corpus/000) split by the numbered splitter."""
    return split_numbered_footnotes(_content_lines("000_"))


@pytest.fixture(scope="module")
def report_body(report: FootnoteSplit) -> str:
    return " ".join(line.strip() for line in report.body)


def test_layout_detection() -> None:
    assert has_numbered_footnotes(_content_lines("000_"))
    assert not has_caret_footnotes(_content_lines("000_"))
    assert has_caret_footnotes(_content_lines("002_"))
    for prefix in ("001_", "003_", "004_"):
        lines = _content_lines(prefix)
        assert not has_caret_footnotes(lines), prefix


def test_every_note_is_found_once_and_numbered_in_order(report: FootnoteSplit) -> None:
    assert sorted(report.notes) == list(range(1, 67))
    assert all(report.notes[n] for n in report.notes)


def test_footnote_27_kcn_hai_long(report: FootnoteSplit) -> None:
    note = _note(report, 27)
    assert note.startswith("Phối hợp với Bộ Y tế và các bộ, ngành trung ương")
    assert "chỉ đạo đẩy nhanh tiến độ triển khai KCN Hải Long" in note
    assert "chấp thuận tại Quyết định số 1004/QĐ-TTg ngày 29/8/2023" in note
    assert note.endswith("quy hoạch khu công nghiệp - đô thị - dịch vụ Hải Long…")


def test_footnote_28_starts_after_its_bare_number_line(report: FootnoteSplit) -> None:
    # `28 ` (with a trailing space, like a page number) opens the note.
    note = _note(report, 28)
    assert note.startswith("Chín tháng năm 2023, Ban Quản lý KKT")
    assert "lũy kế đến tháng 9/2023, có 318 dự án đầu tư" in note
    assert note.endswith("tăng 9,7% so với cùng kỳ năm 2022.")


def test_footnote_26_does_not_swallow_the_resuming_body(
    report: FootnoteSplit, report_body: str
) -> None:
    assert (
        _note(report, 26) == "Văn bản số 8670/BGTVT-KHĐT ngày 09/8/2023 của Bộ Giao thông vận tải"
    )
    assert "phụ trợ điện khí và Trung tâm Điện - Khí LNG" in report_body
    assert "phụ trợ điện khí" not in _note(report, 25)


def test_footnote_25_spans_its_wrapped_lines(report: FootnoteSplit) -> None:
    note = _note(report, 25)
    assert note.startswith("Tổ chức Lễ phát động doanh nghiệp thi đua")
    assert note.endswith("khởi công xây dựng Công viên Kỳ Bá…")


def test_notes_that_lost_their_number_line_take_the_next_numbers(report: FootnoteSplit) -> None:
    # corpus/000 lines ~1826–1836: four notes starting with two spaces, no number line.
    assert _note(report, 60).startswith("Ký biên bản ghi nhớ với Bộ Y tế để thành lập KCN Dược")
    assert _note(report, 61) == (
        "GRDP tăng 7,72%/ kế hoạch 11%; GTSX: CN tăng 9,2%/ 19,2%; XD tăng 5,2%/ 8,5%; "
        "DV tăng 6,7%/ 7%."
    )
    assert _note(report, 62).startswith("Tính đến 25/9/2023, thu ngân sách trên địa bàn huyện")
    assert "Quỳnh Phụ đạt 211%" in _note(report, 62)
    assert _note(report, 63).startswith("Bên cạnh một số địa phương làm tốt công tác GPMB")


def test_a_page_number_after_a_note_block_ends_the_notes(
    report: FootnoteSplit, report_body: str
) -> None:
    # `16 ` heads the next page; the body resumes with `sở; chương trình trọng tâm…`, which
    # has no lead space. It used to be swallowed by note 55, so notes 56/57 had no marker.
    assert _note(report, 55).endswith(
        "Kế hoạch số 128/KH-UBND ngày 05/12/2019 của Ủy ban nhân dân tỉnh."
    )
    assert _note(report, 56).startswith("Thực hiện 86 cuộc thanh tra hành chính")
    assert _note(report, 57).startswith("Kết luận thanh tra số 644/KL-BKHĐT")
    assert "chương trình trọng tâm cải cách tư pháp năm 2023" in report_body
    assert f"và quy định{marker(56)}" in report_body
    assert f"kết luận của thanh tra, kiểm toán{marker(57)}" in report_body
    assert all(line.strip() != "16" for line in report.body)


def test_body_keeps_every_marker_once_in_order(report: FootnoteSplit, report_body: str) -> None:
    numbers = [int(m.group(1)) for m in MARK_RE.finditer(report_body)]
    # Markers 67–69 (Phần thứ hai) are in the text; their notes are not in the extraction.
    assert numbers == list(range(1, 70))
    # Markers sit right after the word they annotate.
    assert f"cùng kỳ năm 2022{marker(1)}" in report_body
    assert f"phát triển tốt{marker(2)}" in report_body
    assert f"KCN Dược - Sinh học{marker(27)}" in report_body
    assert f"các KCN cơ bản ổn định{marker(28)}" in report_body
    assert f"mục tiêu kế hoạch cả năm{marker(61)}" in report_body


def test_note_text_never_leaks_into_the_body(report_body: str) -> None:
    for text in (
        "Văn bản số 8670/BGTVT-KHĐT",
        "Chín tháng năm 2023, Ban Quản lý KKT",
        "GRDP tăng 7,72%/ kế hoạch 11%",
        "Kết luận thanh tra số 644/KL-BKHĐT",
    ):
        assert text not in report_body, text


def test_numbered_docstring_example() -> None:
    split = split_numbered_footnotes(
        [
            "đạt 47.411 tỷ đồng",
            "1",
            ". Tổng giá trị",
            " " * 20,
            "1 Trong đó: công nghiệp",
            " Giá trị",
        ]
    )
    assert split.body == [f"đạt 47.411 tỷ đồng{marker(1)}", ". Tổng giá trị", " Giá trị"]
    assert split.notes == {1: ["Trong đó: công nghiệp"]}


def test_a_pdf_page_break_ends_the_notes() -> None:
    # From a PDF, each page starts with a page sentinel line: the body resumes after it even
    # when its first line (`sở; chương trình…`) has no lead space and no page number precedes.
    lines = ["và quy định", "1", "; chỉ đạo", " " * 20, "1 Thực hiện 86 cuộc thanh tra"]
    lines += [page_mark(17), "sở; chương trình trọng tâm cải cách tư pháp"]
    split = split_numbered_footnotes(lines)
    assert split.notes == {1: ["Thực hiện 86 cuộc thanh tra"]}
    assert split.body[-2:] == [page_mark(17), "sở; chương trình trọng tâm cải cách tư pháp"]
    assert is_page_mark(f"  {page_mark(3)} ") and not is_page_mark(f"{page_mark(3)} chữ")


@pytest.fixture(scope="module")
def ocr_report() -> FootnoteSplit:
    """The OCR'd January 2024 report (corpus/002), split by the caret splitter."""
    return split_caret_footnotes(_content_lines("002_"))


def test_caret_notes_are_split_out(ocr_report: FootnoteSplit) -> None:
    assert sorted(ocr_report.notes) == [1, 2, 3, 4]
    assert _note(ocr_report, 1).startswith("Đến nay, có 27 xã đạt chuẩn nông thôn mới nâng cao")
    assert "Thắp sáng đường quê" in _note(ocr_report, 2)
    assert "Giấy chứng nhận õcop" in _note(ocr_report, 3)
    assert _note(ocr_report, 4).startswith(
        "Dự án đầu tư xây dựng và kinh doanh hạ tầng: CCN Ninh An"
    )
    body = "\n".join(ocr_report.body)
    assert "Đến nay, có 27 xã đạt chuẩn" not in body


def test_caret_notes_pair_with_the_marker_they_explain(ocr_report: FootnoteSplit) -> None:
    # The notes of `vụ Đông^` and `thủy sản ổn định^` were lost by the OCR: the first note
    # found belongs to `nông thôn mới kiểu mẫu^`, not to the first caret.
    body = " ".join(ocr_report.body)
    assert f"nông thôn mới kiểu mẫu{marker(1)}" in body
    assert f'"Thắp sáng đường quê"\'{marker(2)}' in body
    assert f"(OCỌP){marker(3)}" in body
    assert f"03 dự án{marker(4)}" in body
    assert "cây vụ Đông; trồng được" in body  # a marker without a note loses its caret
    assert [int(m.group(1)) for m in MARK_RE.finditer(body)] == [1, 2, 3, 4]


def test_carets_inside_words_are_ocr_noise_not_markers(ocr_report: FootnoteSplit) -> None:
    body = " ".join(ocr_report.body)
    assert "Tông n^ồn vốn huy độnậ" in body
    assert "ước thực hiện 1.2^61 4 ty" in body


def test_a_body_width_caret_line_is_body_text(ocr_report: FootnoteSplit) -> None:
    # `^ Thực hiện tôt các chính sách…` is a list dash read as `^`, set at body width.
    assert any(line.startswith("^ Thực hiện tôt các chính sách") for line in ocr_report.body)
    # A wide `^  p siải quỵết…` block that no marker points to goes back into the body.
    body = "\n".join(ocr_report.body)
    assert "Duy tì hoat\np siải quỵết đơn thư khiếu nại" in body
    notes = " ".join(_note(ocr_report, n) for n in ocr_report.notes)
    assert "siải quỵết" not in notes


def test_sentinels_are_private_use_characters() -> None:
    assert marker(12) == f"{MARK_OPEN}12{MARK_CLOSE}"
    assert MARK_RE.fullmatch(marker(12))
    # Private-use characters: never in a real document, never matched by `\w`.
    assert unicodedata.category(MARK_OPEN) == unicodedata.category(MARK_CLOSE) == "Co"
