"""Tests for qa/ingest/headings.py and structure.py on real headings of the seed corpus."""

from __future__ import annotations

import pytest

from qa.ingest.headings import detect_heading, is_markdown_heading, strip_markdown
from qa.ingest.structure import assign_sections, format_section

PART = "Phần thứ nhất"
PART_TITLE = "TÌNH HÌNH PHÁT TRIỂN KINH TẾ - XÃ HỘI 9 THÁNG NĂM 2023"
ROMAN = "I. PHÁT TRIỂN KINH TẾ"
NUMBER = "1. Sản xuất nông, lâm nghiệp và thủy sản; xây dựng nông thôn mới"
BODY_000 = "Sản xuất nông, lâm nghiệp và thủy sản duy trì ổn định, đạt kết quả tích cực."
LETTER = "a) Các chỉ tiêu về kinh tế:"  # corpus/004
ARTICLE = (
    "Điều 1. Thông qua báo cáo của Ủy ban nhân dân tỉnh về tình hình phát triển kinh tế - "
    "xã hội năm 2023. Phê duyệt mục tiêu, nhiệm vụ và giải pháp chủ yếu phát triển kinh tế - "
    "xã hội năm 2024 của tỉnh với các nội dung sau:"
)  # corpus/004 line 20


@pytest.mark.parametrize(
    ("line", "kind", "level", "label"),
    [
        (PART, "part", 0, PART),
        ("Phần thứ hai", "part", 0, "Phần thứ hai"),
        (PART_TITLE, "caps", 2, PART_TITLE),
        (ROMAN, "roman", 2, ROMAN),
        ("III. TỔ CHỨC THỰC HIỆN", "roman", 2, "III. TỔ CHỨC THỰC HIỆN"),
        (NUMBER, "number", 3, NUMBER),
        ("1.1. Mục tiêu tổng quát", "decimal", 4, "1.1. Mục tiêu tổng quát"),
        (LETTER, "letter", 5, "a) Các chỉ tiêu về kinh tế"),
        ("Điều 1.", "article", 1, "Điều 1."),
        ("Chương II", "part", 0, "Chương II"),
        ("**I. ĐÁNH GIÁ TÌNH HÌNH**", "roman", 2, "I. ĐÁNH GIÁ TÌNH HÌNH"),
        ("#### 1.1. Mục tiêu tổng quát", "decimal", 4, "1.1. Mục tiêu tổng quát"),
        ("### 1. Mục tiêu", "number", 3, "1. Mục tiêu"),
        ("QUYẾT NGHỊ:", "caps", 2, "QUYẾT NGHỊ"),
    ],
)
def test_real_headings(line: str, kind: str, level: int, label: str) -> None:
    heading = detect_heading(line)
    assert heading is not None
    assert (heading.kind, heading.level, heading.label, heading.lead) == (kind, level, label, False)


@pytest.mark.parametrize(
    "line",
    [
        # corpus/000 line 395: a wrapped body line that opens with `Chương trình`.
        "Chương trình tăng cường bảo vệ môi trường, an toàn thực phẩm và cấp nước sạch nông thôn",
        "Chương trình hành động của Ban Thường vụ Tỉnh ủy thực hiện Nghị quyết số 29-NQ/TW",
        "Phần lớn các dự án đã hoàn thành",
        BODY_000,
        "- Chính phủ;",
        "(1) Tốc độ tăng tổng sản phẩm (GRDP) bình quân thời kỳ 2021 - 2030 đạt 13,4%/năm.",
        "2024. Tiếp tục hoàn thiện đồ án điều chỉnh quy hoạch chung Khu kinh tế.",
        "Vi phạm hành chính được xử lý kịp thời.",
        "GRDP",  # acronyms alone on a wrapped line are not an upper-case heading
        "KCN VSIP, THPT",
        "",
    ],
)
def test_not_headings(line: str) -> None:
    assert detect_heading(line) is None


def test_numbered_paragraph_opens_a_section_but_is_body_text() -> None:
    long_item = (
        "a) Tiếp tục đẩy mạnh cơ cấu nền kinh tế và các ngành sản xuất gắn với đổi mới mô hình "
        "tăng trưởng theo hướng phát triển ngành, lĩnh vực, sản phẩm có lợi thế cạnh tranh; nâng "
        "cao năng suất, chất lượng, hiệu quả và sức cạnh tranh của nền kinh tế."
    )
    heading = detect_heading(long_item)
    assert heading is not None and heading.lead
    assert heading.label == (
        "a) Tiếp tục đẩy mạnh cơ cấu nền kinh tế và các ngành sản xuất gắn với đổi mới "
        "mô hình tăng trưởng…"
    )


def test_lead_label_keeps_the_numbering_and_the_first_clause() -> None:
    item = (
        "1. Ban Tuyên giáo Tỉnh ủy tham mưu giúp Ban Thường vụ Tỉnh ủy chỉ đạo; hướng dẫn công "
        "tác quán triệt, tuyên truyền Nghị quyết số 29-NQ/TW và Chương trình hành động này "
        "trong toàn Đảng bộ, chính quyền, Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội."
    )
    heading = detect_heading(item)
    assert heading is not None and heading.lead
    assert heading.label == "1. Ban Tuyên giáo Tỉnh ủy tham mưu giúp Ban Thường vụ Tỉnh ủy chỉ đạo"


def test_article_that_is_a_sentence_is_body_text() -> None:
    # corpus/004 line 117: a short article that is one sentence, not a title.
    article = (
        "Điều 2. Hội đồng nhân dân tỉnh giao Ủy ban nhân dân tỉnh tổ chức triển khai, thực hiện "
        "Nghị quyết theo đúng quy định của pháp luật."
    )
    heading = detect_heading(article)
    assert heading is not None and heading.kind == "article" and heading.lead
    first = detect_heading(ARTICLE)
    assert first is not None and first.lead and first.label.startswith("Điều 1. Thông qua báo cáo")


def test_markdown_helpers() -> None:
    assert strip_markdown("### **1.3. Tầm nhìn**") == "1.3. Tầm nhìn"
    assert strip_markdown("*Những hạn chế, tồn tại nêu trên*") == "Những hạn chế, tồn tại nêu trên"
    assert is_markdown_heading("**I. ĐÁNH GIÁ TÌNH HÌNH**")
    assert is_markdown_heading("#### 1.1. Mục tiêu tổng quát")
    assert not is_markdown_heading("**HỘI ĐỒNG NHÂN DÂN TỈNH THÁI BÌNH")
    assert not is_markdown_heading("Thực hiện Nghị quyết")


def test_section_paths_of_the_9_month_report() -> None:
    paragraphs = [PART, PART_TITLE, "Chín tháng năm 2023, …", ROMAN, "Tổng sản phẩm…", NUMBER]
    paragraphs += [BODY_000, "II. LĨNH VỰC VĂN HÓA - XÃ HỘI", "Văn hóa…", "Phần thứ hai", "Thân."]
    sections = assign_sections(paragraphs)
    part = f"{PART}: {PART_TITLE}"
    assert [s.section for s in sections] == [
        (PART,),
        (part,),
        (part,),
        (part, ROMAN),
        (part, ROMAN),
        (part, ROMAN, NUMBER),
        (part, ROMAN, NUMBER),
        (part, "II. LĨNH VỰC VĂN HÓA - XÃ HỘI"),
        (part, "II. LĨNH VỰC VĂN HÓA - XÃ HỘI"),
        ("Phần thứ hai",),
        ("Phần thứ hai",),
    ]
    assert [s.role for s in sections][:3] == ["heading", "heading", "body"]
    assert format_section(sections[6].section) == f"{part} › {ROMAN} › {NUMBER}"


def test_a_caps_line_further_down_is_not_the_part_title() -> None:
    sections = assign_sections([PART, "Chín tháng năm 2023, …", "TM. ỦY BAN NHÂN DÂN", "Ký."])
    assert sections[1].section == (PART,)
    assert sections[2].section == (PART, "TM. ỦY BAN NHÂN DÂN")


def test_section_paths_of_the_resolution_and_the_action_programme() -> None:
    # corpus/004: roman › number › letter, and a lead article.
    sections = assign_sections(
        [
            ARTICLE,
            "I. MỤC TIÊU TỔNG QUÁT",
            "II. CÁC CHỈ TIÊU, NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU",
            "1. Các chỉ tiêu chủ yếu",
            LETTER,
            "- Tốc độ tăng trưởng kinh tế (GRDP) đạt 10,5% trở lên.",
            "b) Các chỉ tiêu về văn hóa - xã hội:",
        ]
    )
    article = (
        "Điều 1. Thông qua báo cáo của Ủy ban nhân dân tỉnh về tình hình phát triển kinh tế - "
        "xã hội năm 2023"
    )
    assert sections[0].role == "body" and sections[0].section == (article,)
    goals = "II. CÁC CHỈ TIÊU, NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU"
    assert sections[5].section == (
        article,
        goals,
        "1. Các chỉ tiêu chủ yếu",
        "a) Các chỉ tiêu về kinh tế",
    )
    assert sections[6].section == (
        article,
        goals,
        "1. Các chỉ tiêu chủ yếu",
        "b) Các chỉ tiêu về văn hóa - xã hội",
    )
    # corpus/003 (markdown stripped): decimal sections nest under their number.
    sections = assign_sections(
        [
            "I. ĐÁNH GIÁ TÌNH HÌNH",
            "II. MỤC TIÊU, NHIỆM VỤ, GIẢI PHÁP",
            "1. Mục tiêu",
            "1.1. Mục tiêu tổng quát",
            "Đẩy mạnh công nghiệp hoá…",
            "1.2. Mục tiêu cụ thể đến năm 2030",
        ]
    )
    assert sections[4].section == (
        "II. MỤC TIÊU, NHIỆM VỤ, GIẢI PHÁP",
        "1. Mục tiêu",
        "1.1. Mục tiêu tổng quát",
    )
    assert sections[5].section[-1] == "1.2. Mục tiêu cụ thể đến năm 2030"
