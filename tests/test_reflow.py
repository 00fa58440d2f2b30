"""Tests for qa/ingest/reflow.py on real pages of the seed corpus."""

from __future__ import annotations

import pytest
from seed_corpus import seed_lines

from qa.ingest.footnotes import MARK_CLOSE, MARK_OPEN, marker, split_numbered_footnotes
from qa.ingest.reflow import (
    is_page_furniture,
    is_wrapped_layout,
    join_lines,
    reflow_blocks,
    reflow_wrapped,
)


def _shown(text: str) -> str:
    return text.replace(MARK_OPEN, "[").replace(MARK_CLOSE, "]")


@pytest.fixture(scope="module")
def page_000() -> list[str]:
    """Lines 40–120 of the 9-month report: blank lines dropped, footnotes split out."""
    lines = [line for line in seed_lines("000_")[39:120] if line.strip()]
    return [_shown(p) for p in reflow_wrapped(split_numbered_footnotes(lines).body)]


def test_grdp_sentence_is_joined_across_its_wrapped_lines(page_000: list[str]) -> None:
    assert (
        "Tổng sản phẩm trên địa bàn tỉnh (GRDP theo giá so sánh năm 2010) ước đạt "
        "47.411 tỷ đồng, đạt 67,8% kế hoạch và tăng 7,72% so với cùng kỳ năm 2022[1]."
    ) in page_000


def test_headings_stay_on_their_own(page_000: list[str]) -> None:
    assert "I. PHÁT TRIỂN KINH TẾ" in page_000
    assert "1. Sản xuất nông, lâm nghiệp và thủy sản; xây dựng nông thôn mới" in page_000
    heading = page_000.index("1. Sản xuất nông, lâm nghiệp và thủy sản; xây dựng nông thôn mới")
    assert page_000[heading + 1].startswith("Sản xuất nông, lâm nghiệp và thủy sản duy trì ổn định")


def test_paragraphs_break_after_sentences_not_at_wraps(page_000: list[str]) -> None:
    assert (
        "Cơ cấu kinh tế: Nông, lâm nghiệp và thủy sản chiếm 19,7%; Công nghiệp và xây dựng "
        "chiếm 44,4%; Dịch vụ chiếm 30,1% và Thuế sản phẩm chiếm 5,8%."
    ) in page_000
    # A body line continuing after the footnote block (` Giá trị sản xuất…`) is its own paragraph.
    assert "Giá trị sản xuất ngành trồng trọt ước đạt 8.688 tỷ đồng, tăng 1,2% so với cùng kỳ." in (
        page_000
    )
    # The marker sits inside the sentence; the comma after it joins tight.
    assert any("vụ Đông đạt 36.675 ha[3], năng suất hầu hết" in p for p in page_000)
    # No paragraph starts with a lower-case continuation or keeps a footnote's text.
    assert all(not p[:1].islower() for p in page_000[1:])
    assert not any("Trong đó: Nông, lâm nghiệp, thủy sản ước đạt 9.591" in p for p in page_000)


def test_a_list_of_names_goes_on_after_a_semicolon_a_preamble_does_not() -> None:
    names = [
        "trình cấp có thẩm quyền xếp hạng di tích cấp quốc gia đối với Miếu Giàng (xã Đông Á);",
        "Đình Quán (xã Quang Bình, huyện Kiến Xương)... Tổ chức thành công Lễ hội đền Trần.",
    ]
    assert reflow_wrapped(names) == [" ".join(names)]
    preamble = [
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
        "Căn cứ Luật Ngân sách nhà nước ngày 25 tháng 6 năm 2015;",
        "Xét Báo cáo số 143/BC-UBND ngày 30 tháng 11 năm 2023 của Ủy ban nhân dân tỉnh;",
        "QUYẾT NGHỊ:",
    ]
    assert reflow_wrapped(preamble) == preamble


def test_page_furniture_is_dropped() -> None:
    for line in ("- 3 -", "16 ", "(Tiếp theo trang 1)", "-----", "Trang 2/5", "___________"):
        assert is_page_furniture(line), line
    for line in ("1. Sản xuất nông nghiệp", "- Chính phủ;", "2021-2025"):
        assert not is_page_furniture(line), line
    paragraphs = reflow_wrapped(
        ["Tổng sản phẩm trên địa bàn tỉnh ước đạt", "- 3 -", "47.411 tỷ đồng.", "-----"]
    )
    assert paragraphs == ["Tổng sản phẩm trên địa bàn tỉnh ước đạt 47.411 tỷ đồng."]


def test_year_range_wrapped_after_the_dash_joins_without_a_space() -> None:
    # corpus/000 lines 581–583: `… 5 năm giai đoạn 2021-` / `2025 và năm 2023. …`
    lines = [line for line in seed_lines("000_")[578:584] if line.strip()]
    (paragraph, *_rest) = reflow_wrapped(lines)
    assert "Kế hoạch phát triển nhà ở tỉnh Thái Bình 5 năm giai đoạn 2021-2025 và năm 2023." in (
        paragraph
    )
    assert join_lines("giai đoạn 2021-", "2025") == "giai đoạn 2021-2025"
    assert join_lines("giai đoạn", "2025") == "giai đoạn 2025"
    assert (
        join_lines(f"năm 2022{marker(1)}", ". Tổng giá trị") == f"năm 2022{marker(1)}. Tổng giá trị"
    )


def test_a_wrapped_heading_is_joined_and_a_caps_title_follows_its_part() -> None:
    paragraphs = reflow_wrapped(
        ["Phần thứ nhất", "TÌNH HÌNH PHÁT TRIỂN KINH TẾ - XÃ HỘI 9 THÁNG NĂM 2023", "Chín tháng."]
    )
    assert paragraphs == [
        "Phần thứ nhất TÌNH HÌNH PHÁT TRIỂN KINH TẾ - XÃ HỘI 9 THÁNG NĂM 2023",
        "Chín tháng.",
    ]


def test_ocr_underscore_bullet_after_a_heading_starts_a_paragraph() -> None:
    # corpus/002: the OCR read the list dash after the section II heading as `_`.
    lines = ["II. NHIỆM VỤ TRỌNG TÂM THÁNG 02 NĂM 2024", "_  Các sờ, ngành, địa phương tập ừung"]
    assert reflow_wrapped(lines) == [
        "II. NHIỆM VỤ TRỌNG TÂM THÁNG 02 NĂM 2024",
        "_  Các sờ, ngành, địa phương tập ừung",
    ]


def test_layout_detection_on_the_seeds() -> None:
    assert is_wrapped_layout(seed_lines("000_"))
    assert is_wrapped_layout(seed_lines("002_"))
    for prefix in ("001_", "003_", "004_"):
        assert not is_wrapped_layout(seed_lines(prefix)), prefix


def test_block_layout_strips_markdown_and_keeps_headings_separate() -> None:
    text = "\n".join(seed_lines("003_")[:40])
    paragraphs = reflow_blocks(text)
    assert paragraphs[:3] == [
        "Thái Bình, ngày 19 tháng 5 năm 2023",
        "CHƯƠNG TRÌNH HÀNH ĐỘNG",
        "CỦA BAN THƯỜNG VỤ TỈNH ỦY",
    ]
    for heading in (
        "I. ĐÁNH GIÁ TÌNH HÌNH",
        "II. MỤC TIÊU, NHIỆM VỤ, GIẢI PHÁP",
        "1. Mục tiêu",
        "1.1. Mục tiêu tổng quát",
        "1.2. Mục tiêu cụ thể đến năm 2030",
    ):
        assert heading in paragraphs
    assert not any("**" in p or p.startswith("#") for p in paragraphs)
    assert "-----" not in paragraphs
    assert any(p.startswith("(1) Tốc độ tăng tổng sản phẩm (GRDP)") for p in paragraphs)


def test_block_layout_joins_a_paragraph_cut_by_a_page_break() -> None:
    # corpus/003 lines 18 and 20: `… Thủ tướng Chính phủ quyết định thành` / `lập từ năm 2017 …`
    paragraphs = reflow_blocks("\n".join(seed_lines("003_")[17:21]))
    assert len(paragraphs) == 1
    assert (
        "Chính phủ quyết định thành lập từ năm 2017 với tổng diện tích 30.583 ha" in (paragraphs[0])
    )


def test_block_layout_does_not_join_across_a_continued_from_line() -> None:
    # corpus/001: the title, `(Tiếp theo trang 1)`, then the article resumes mid-sentence.
    paragraphs = reflow_blocks("\n".join(seed_lines("001_")[:8]))
    assert paragraphs[0].startswith("Tận dụng thời cơ, phát huy hết tiềm năng")
    assert paragraphs[0].endswith("mục tiêu phát triển chung của tỉnh")
    assert paragraphs[1].startswith("giữa nhiệm kỳ; có thể vui mừng phấn khởi")
    assert not any("Tiếp theo" in p for p in paragraphs)


def test_block_layout_list_item_keeps_its_wrapped_lines() -> None:
    text = "- Tập trung triển khai thực hiện Quy hoạch tỉnh\nthời kỳ 2021 - 2030.\n\nĐoạn sau."
    assert reflow_blocks(text) == [
        "- Tập trung triển khai thực hiện Quy hoạch tỉnh thời kỳ 2021 - 2030.",
        "Đoạn sau.",
    ]
