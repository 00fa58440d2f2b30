"""Answer assembly on hand-made passages: citation integrity, date order, abstention."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from qa.answer.clauses import passage_clauses
from qa.answer.compose import ABSTAIN_TEXT, compose_answer
from qa.answer.kinds_of_things import KindsAsked
from qa.config import Settings
from qa.index.chunk import sentence_spans
from qa.index.segment import Segmenter
from qa.models import Chunk, ClauseMeanings, DocumentMeta, Hit, SentenceMatch


def _hit(rank: int, doc_id: str, date: str, text: str) -> Hit:
    meta = DocumentMeta(doc_id, f"Báo cáo {doc_id}", date, "báo cáo", "UBND", f"{doc_id}.txt")
    chunk = Chunk(f"{doc_id}:0", doc_id, text, 0, len(text), "I. PHÁT TRIỂN KINH TẾ")
    return Hit(rank, 1.0 / rank, chunk, meta)


def _hit_with_sentence_cosines(text: str, date: str, cosines: list[float]) -> Hit:
    """A passage whose sentences have these cosines to the question (as the dense search
    gives them, `Hit.sentences`)."""
    spans = sentence_spans(text)
    matches = tuple(SentenceMatch(a, b, c) for (a, b), c in zip(spans, cosines, strict=True))
    return replace(_hit(1, "r", date, text), sentences=matches)


def _nine_month_hit(text: str) -> Hit:
    """A passage of a report whose title says it covers the first nine months of 2023."""
    meta = DocumentMeta("r", "Báo cáo tình hình 9 tháng năm 2023", "2023-09", "báo cáo", "U", "r")
    return Hit(1, 1.0, Chunk("r:0", "r", text, 0, len(text), "I"), meta)


HITS = [
    _hit(
        1,
        "b2024",
        "2024-01",
        "Đẩy nhanh tiến độ thực hiện các dự án KCN Hải Long, KCN VSIP. "
        "Tổ chức Hội nghị xúc tiến đầu tư.",
    ),
    _hit(
        2,
        "a2023",
        "2023-09",
        "Chỉ đạo đẩy nhanh tiến độ triển khai Khu công nghiệp Hải Long. "
        "Lúa Xuân được mùa, năng suất cao.",
    ),
]


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter()


def test_every_line_is_cited_and_cut_from_a_real_quote(segmenter: Segmenter) -> None:
    answer = compose_answer("tiến độ KCN Hải Long?", HITS, segmenter)
    assert not answer.abstained
    text_lines = answer.text.splitlines()
    assert len(text_lines) == len(answer.lines) == len(answer.citations) >= 2
    by_chunk = {h.chunk.chunk_id: h.chunk.text for h in HITS}
    for text, line, citation in zip(text_lines, answer.lines, answer.citations, strict=True):
        assert line.citations == (citation.n,) and text.endswith(f"[{citation.n}]")
        assert citation.quote in by_chunk[citation.chunk_id]
        assert line.text in citation.quote
    assert all("Lúa Xuân" not in c.quote for c in answer.citations)


def test_timeline_is_ordered_by_date_and_the_newest_flagged_once(segmenter: Segmenter) -> None:
    answer = compose_answer("tiến độ KCN Hải Long?", HITS, segmenter)
    assert [line.doc_date for line in answer.lines] == ["2023-09", "2024-01"]
    assert [line.latest for line in answer.lines] == [False, True]
    assert [c.latest for c in answer.citations] == [False, True]
    assert "mới nhất" not in answer.text  # presentation belongs to the faces


def test_lines_of_one_report_come_best_first_not_in_reading_order(segmenter: Segmenter) -> None:
    meta = DocumentMeta("r", "Báo cáo 9 tháng năm 2023", "2023-09", "báo cáo", "UBND", "r.txt")
    earlier = (
        "Chỉ đạo quyết liệt công tác giải ngân vốn đầu tư công; phân bổ, giao vốn và thông báo "
        "kế hoạch vốn sớm (quý I đã thực hiện phân bổ chi tiết 100% kế hoạch vốn năm 2023)."
    )
    later = (
        "Ước thực hiện giải ngân kế hoạch vốn đầu tư công 9 tháng là 4.236 tỷ đồng, đạt 86,3% "
        "kế hoạch Thủ tướng Chính phủ giao."
    )
    hits = [
        Hit(1, 1.0, Chunk("r:900", "r", later, 900, 900 + len(later), "I"), meta),
        Hit(2, 0.9, Chunk("r:0", "r", earlier, 0, len(earlier), "I"), meta),
    ]
    question = "tỷ lệ giải ngân vốn đầu tư công 9 tháng"
    answer = compose_answer(question, hits, segmenter, Settings(abstain_below=-1.0))
    assert len(answer.lines) == 2
    assert "86,3%" in answer.lines[0].text and "100%" in answer.lines[1].text
    assert [c.chunk_id for c in answer.citations] == ["r:900", "r:0"]
    assert not any(line.latest for line in answer.lines)  # one date: no timeline


def test_a_line_for_the_asked_period_reads_before_an_older_one_for_another(
    segmenter: Segmenter,
) -> None:
    def hit(rank: int, doc_id: str, date: str, title: str, text: str) -> Hit:
        meta = DocumentMeta(doc_id, title, date, "báo cáo", "UBND", f"{doc_id}.txt")
        return Hit(rank, 1.0 / rank, Chunk(f"{doc_id}:0", doc_id, text, 0, len(text), "I"), meta)

    plan = hit(
        1,
        "p",
        "2023-12",
        "Nghị quyết về kế hoạch phát triển kinh tế - xã hội năm 2024",
        "Thu ngân sách nhà nước trên địa bàn đạt 9.878 tỷ đồng, trong đó, thu nội địa (không "
        "tính tiền thu sử dụng đất, thu xổ số kiến thiết) đạt 4.798 tỷ đồng.",
    )
    month = hit(
        2,
        "m",
        "2024-02",
        "Báo cáo tình hình kinh tế - xã hội tháng 01 năm 2024",
        "Tổng thu ngân sách nhà nước tháng 01 ước thực hiện 1.470 tỷ đồng đạt 7,5% dự toán, "
        "bằng 86,5% cùng kỳ; trong đó, thu nội địa 606 tỷ đồng, đạt 7% dự toán.",
    )
    question = "thu nội địa (không tính tiền sử dụng đất) tháng 1/2024 được bao nhiêu?"
    answer = compose_answer(question, [plan, month], segmenter, Settings(abstain_below=-1.0))
    assert [line.doc_date for line in answer.lines] == ["2024-02", "2023-12"]
    assert "606 tỷ đồng" in answer.lines[0].text and not answer.lines[0].lead
    assert answer.lines[1].lead.startswith("Tài liệu chỉ có số liệu năm 2024")
    assert [line.latest for line in answer.lines] == [True, False]  # still the newest


def test_number_answer_is_the_clause_with_the_figure_not_the_sentence(
    segmenter: Segmenter,
) -> None:
    sentence = (
        "Tổng sản phẩm trên địa bàn tỉnh (GRDP theo giá so sánh năm 2010) ước đạt 47.411 tỷ "
        "đồng, đạt 67,8% kế hoạch và tăng 7,72% so với cùng kỳ năm 2022; trong đó khu vực nông, "
        "lâm nghiệp và thủy sản tăng 2,9%, khu vực công nghiệp - xây dựng tăng 12,5%, khu vực "
        "dịch vụ tăng 6,1%, thuế sản phẩm trừ trợ cấp sản phẩm tăng 5,4%."
    )
    hits = [_hit(1, "r", "2023-09", sentence)]
    answer = compose_answer("GRDP 9 tháng ước đạt bao nhiêu tỷ đồng?", hits, segmenter)
    (line,) = answer.lines
    assert "47.411 tỷ đồng" in line.text and line.text in sentence
    assert len(line.text.split()) < len(sentence.split()) / 2
    assert answer.citations[0].quote == sentence


def test_status_answer_states_what_was_done_not_what_was_urged(segmenter: Segmenter) -> None:
    text = (
        "Chỉ đạo đẩy nhanh tiến độ triển khai KCN Hải Long, KCN VSIP. "
        "KCN Hải Long đã tổ chức lễ động thổ, đang hoàn thiện thủ tục giao đất cho nhà đầu tư."
    )
    answer = compose_answer("tiến độ KCN Hải Long?", [_hit(1, "r", "2023-09", text)], segmenter)
    assert "đã tổ chức lễ động thổ" in answer.text
    assert "Chỉ đạo" not in answer.text


def test_which_body_is_answered_by_the_clause_naming_it(segmenter: Segmenter) -> None:
    sentence = (
        "Ủy ban Kiểm tra Tỉnh ủy xây dựng nội dung kiểm tra, giám sát việc tổ chức quán triệt, "
        "thực hiện Nghị quyết 29-NQ/TW vào chương trình kiểm tra, giám sát; kịp thời phát hiện, "
        "xử lý nghiêm cán bộ, đảng viên sai phạm trong thi hành công vụ."
    )
    question = "Cán bộ, đảng viên sai phạm thì bên nào lo kiểm tra, xử lý?"
    answer = compose_answer(question, [_hit(1, "r", "2023-09", sentence)], segmenter)
    assert answer.lines[0].text.startswith("Ủy ban Kiểm tra Tỉnh ủy")


def test_the_line_is_the_part_of_the_sentence_giving_the_asked_figure(
    segmenter: Segmenter,
) -> None:
    """The programme's name is in one clause, the kilometres in another: the sentence holds
    both, and the line is the clause that gives what `bao nhiêu km` asks."""
    said = (
        "Toàn tỉnh có 160 xã đăng ký và được UBND tỉnh phê duyệt với tổng số km là 1.316,158 "
        'km; phân bổ kinh phí hỗ trợ các xã xây dựng hệ thống đèn điện "Thắp sáng đường quê" '
        "trong xây dựng nông thôn mới năm 2023."
    )
    found = _hit(1, "p", "2024-01", said)
    asked = "chương trình Thắp sáng đường quê: tổng bao nhiêu km được phê duyệt"
    answer = compose_answer(asked, [found], segmenter, model=_Sure())  # type: ignore[arg-type]
    assert not answer.abstained, "the figure was never vouched for"
    assert "1.316,158 km" in answer.lines[0].text and "phân bổ" not in answer.lines[0].text


def test_a_question_about_both_members_is_answered_with_both(segmenter: Segmenter) -> None:
    """`xuất khẩu và nhập khẩu`: the clause naming their merged form (`xuất nhập khẩu`) with
    the export figure answers half; the line runs on to the import figure
    (`qa.answer.members`: a pair named only joined, `Ban Quản lý KKT và các KCN`, is one
    thing, not both)."""
    said = (
        "Hoạt động xuất nhập khẩu có dấu hiệu chững lại; kim ngạch xuất khẩu ước đạt 2.032 "
        "triệu USD, tăng 8,7%; kim ngạch nhập khẩu ước đạt 1.330 triệu USD, giảm 21,7% so "
        "với cùng kỳ."
    )
    found = _nine_month_hit(said)
    both = compose_answer(
        "kim ngạch xuất khẩu và nhập khẩu 9 tháng 2023", [found], segmenter, model=_Sure()
    )  # type: ignore[arg-type]
    assert "2.032" in both.text and "1.330" in both.text, both.text
    exports = compose_answer("kim ngạch xuất khẩu 9 tháng 2023", [found], segmenter, model=_Sure())  # type: ignore[arg-type]
    assert "2.032" in exports.text and "1.330" not in exports.text, exports.text


def test_an_output_is_answered_by_a_weight_not_an_area(segmenter: Segmenter) -> None:
    """`sản lượng lúa` asks for tonnes: the hectares sown are no answer to it."""
    area = _nine_month_hit("Tổng diện tích cấy lúa năm 2023 đạt 149.863 ha, năng suất cao.")
    weighed = _nine_month_hit("Tổng sản lượng lúa năm 2023 ước đạt 1.012,5 nghìn tấn.")
    asked = "sản lượng lúa 9 tháng năm 2023"
    assert compose_answer(asked, [area], segmenter, model=_Sure()).abstained  # type: ignore[arg-type]
    answer = compose_answer(asked, [weighed], segmenter, model=_Sure())  # type: ignore[arg-type]
    assert "1.012,5 nghìn tấn" in answer.text, answer.text
    # nor are another output's tonnes, and no `chỉ có số liệu 9 tháng` is said of either: the
    # documents have no 9-month figure of the rice harvest
    fish = _nine_month_hit("Trong đó sản lượng nuôi trồng đạt 131,7 nghìn tấn, tăng 3,3%.")
    assert compose_answer(asked, [fish], segmenter, model=_Sure()).abstained  # type: ignore[arg-type]
    whole_year = compose_answer("sản lượng lúa cả năm 2023", [area, fish], segmenter, model=_Sure())  # type: ignore[arg-type]
    assert whole_year.abstained and whole_year.notice is None, whole_year.notice
    # the area asked outright is answered by it
    sown = compose_answer("diện tích cấy lúa năm 2023 bao nhiêu", [area], segmenter, model=_Sure())  # type: ignore[arg-type]
    assert "149.863 ha" in sown.text, sown.text


def test_a_number_that_says_which_one_is_no_figure(segmenter: Segmenter) -> None:
    """`học kỳ 1`, `lần thứ 5`, `đợt 2` say which one, not how many: a line whose only new
    number is such answers no `mấy học sinh` (though `đợt thứ mấy` is answered by one)."""
    sure = _Sure()
    asked = "năm học 2023-2024 Thái Bình có mấy học sinh đạt giải học sinh giỏi quốc gia"
    for said in (
        "Thái Bình tổ chức kỳ thi chọn học sinh giỏi quốc gia năm học 2023-2024; hội nghị "
        "sơ kết học kỳ 1",
        "Tổ chức kỳ thi chọn học sinh giỏi quốc gia năm học 2023-2024 của Thái Bình; sơ kết "
        "học kỳ 1",
    ):
        found = _hit(1, "r", "2024-01", f"{said}.")
        assert compose_answer(asked, [found], segmenter, model=sure).abstained, said  # type: ignore[arg-type]
    counted = _hit(
        1,
        "r",
        "2024-01",
        "Năm học 2023-2024, Thái Bình có 34 học sinh đạt giải học sinh giỏi quốc gia.",
    )
    answer = compose_answer(asked, [counted], segmenter, model=sure)  # type: ignore[arg-type]
    assert not answer.abstained and "34" in answer.text


def test_a_lunar_year_is_a_year(segmenter: Segmenter) -> None:
    """`Tết Giáp Thìn` is 2024's: the 2023 Tết's (`Quý Mão`) gifts do not answer it, with or
    without diacritics, and answer the question naming their own lunar year."""
    sure = _Sure()
    gifts = _hit(1, "r", "2023-09", "Dịp Tết Quý Mão, tặng 383.962 suất quà cho hộ nghèo.")
    for asked in ("Tết Giáp Thìn tặng bao nhiêu suất quà", "tet giap thin tang bao nhieu suat qua"):
        assert compose_answer(asked, [gifts], segmenter, model=sure).abstained, asked  # type: ignore[arg-type]
    answer = compose_answer("Tết Quý Mão tặng bao nhiêu suất quà", [gifts], segmenter, model=sure)  # type: ignore[arg-type]
    assert not answer.abstained and "383.962" in answer.text


def test_the_day_is_answered_only_by_a_line_with_a_date(segmenter: Segmenter) -> None:
    """`ngày nào`, `năm nào` ask for the date itself: a line holding every other word of the
    question but no date answers nothing, while `khi nào` is also answered by a line saying it
    was done (the report's date tells when); a day of the year (`01/10`) is a date."""
    sure = _Sure()
    hosted = _hit(1, "r", "2023-09", "Tỉnh đã đăng cai giải vô địch Yoga toàn quốc lần thứ V.")
    for asked in ("Giải vô địch Yoga toàn quốc lần thứ V tổ chức ngày nào", "giải Yoga năm nào"):
        assert compose_answer(asked, [hosted], segmenter, model=sure).abstained, asked  # type: ignore[arg-type]
    when = compose_answer(
        "giải Yoga toàn quốc lần thứ V tổ chức khi nào", [hosted], segmenter, model=sure
    )  # type: ignore[arg-type]
    assert not when.abstained and "Yoga" in when.text
    day = _hit(1, "r", "2023-09", "Hưởng ứng ngày Quốc tế người cao tuổi (01/10).")
    answer = compose_answer("ngày quốc tế người cao tuổi là ngày nào", [day], segmenter, model=sure)  # type: ignore[arg-type]
    assert not answer.abstained and "01/10" in answer.text


def test_a_neighbouring_period_is_named_as_such(segmenter: Segmenter) -> None:
    text = "Thu ngân sách nhà nước ước đạt 5.120 tỷ đồng, bằng 78% dự toán năm."
    hit = _nine_month_hit(text)
    # the wording of the lead when abstention is off (as `qa eval` composes)
    whole_year = compose_answer(
        "thu ngân sách cả năm 2023 bao nhiêu",
        [hit],
        segmenter,
        Settings(abstain_below=-1.0),
        model=_Sure(),  # type: ignore[arg-type]
    )
    assert whole_year.lines[0].lead == "Tài liệu chỉ có số liệu 9 tháng năm 2023: "
    assert whole_year.text.startswith("Tài liệu chỉ có số liệu 9 tháng năm 2023: Thu ngân sách")
    assert whole_year.confidence == 0.0  # not the asked period: never vouched for
    nine_months = compose_answer("thu ngân sách 9 tháng 2023 bao nhiêu", [hit], segmenter)
    assert nine_months.lines[0].lead == ""


def test_a_line_opening_with_its_own_period_is_for_that_period(segmenter: Segmenter) -> None:
    """The sentence opens with nine months; the clause answering opens with the whole year."""
    text = (
        "Chín tháng năm 2023, thu hút vốn đầu tư của tỉnh ước đạt 37.912,4 tỷ đồng, gấp 2 lần "
        "so với cùng kỳ năm 2022, bao gồm: 17 dự án phát triển nhà ở với tổng số vốn đầu tư là "
        "19.965,0 tỷ đồng (dự kiến cả năm 2023 thu hút trên 1,17 tỷ USD vốn FDI)."
    )
    sure: Any = _Sure()
    year = compose_answer("thu hút FDI 2023 bao nhiêu", [_nine_month_hit(text)], segmenter,
                          model=sure)  # fmt: skip
    assert year.lines[0].lead == ""
    # shown out of the parentheses that hold it whole; the quote keeps them
    assert year.lines[0].text == "dự kiến cả năm 2023 thu hút trên 1,17 tỷ USD vốn FDI"
    assert "(dự kiến cả năm 2023" in year.citations[0].quote


def test_a_list_items_marker_stays_in_the_quote_not_in_the_answer(segmenter: Segmenter) -> None:
    text = "(8) Tỷ lệ hộ nghèo giảm còn dưới 1%. (9) Tỷ lệ đô thị hoá đạt 40% trở lên."
    hit = _hit(1, "ct", "2023-05", text)
    sure: Any = _Sure()
    answer = compose_answer("tỷ lệ đô thị hóa đạt bao nhiêu", [hit], segmenter, model=sure)
    assert answer.lines[0].text == "Tỷ lệ đô thị hoá đạt 40% trở lên"
    assert answer.citations[0].quote.startswith("(9) Tỷ lệ đô thị hoá")


def test_an_occasions_figure_is_whole_in_a_report_of_part_of_the_year(
    segmenter: Segmenter,
) -> None:
    hit = _nine_month_hit("Dịp Tết Nguyên đán, 46.058 người cao tuổi được chúc thọ, mừng thọ.")
    sure: Any = _Sure()
    tet = compose_answer(
        "Tết Nguyên đán 2023 có bao nhiêu cụ được mừng thọ", [hit], segmenter, model=sure
    )
    assert tet.lines[0].lead == "" and "46.058" in tet.text
    year = compose_answer("năm 2023 có bao nhiêu cụ được mừng thọ", [hit], segmenter, model=sure)
    assert year.lines[0].lead == "Tài liệu chỉ có số liệu 9 tháng năm 2023: "  # a running total


def test_a_section_naming_one_of_the_titles_horizons_dates_its_figures(
    segmenter: Segmenter,
) -> None:
    """The programme's title names 2030 and 2045; a figure under `Tầm nhìn đến năm 2045` is
    for 2045 only, so it is no answer to a 2030 question."""
    title = "Chương trình hành động đến năm 2030, tầm nhìn đến năm 2045"
    meta = DocumentMeta("ct", title, "2023-05-19", "chương trình", "Tỉnh ủy", "ct")
    goals = "Tỷ trọng công nghiệp đạt 50% GRDP."
    vision = "Tỷ trọng công nghiệp trong GRDP đạt khoảng 60%."
    vision_section, goals_section = "1.3. Tầm nhìn đến năm 2045", "1.2. Mục tiêu đến năm 2030"
    hits = [
        Hit(1, 1.0, Chunk("ct:1", "ct", vision, 40, 40 + len(vision), vision_section), meta),
        Hit(2, 0.9, Chunk("ct:0", "ct", goals, 0, len(goals), goals_section), meta),
    ]
    sure: Any = _Sure()
    for year, figure, other in (("2030", "50%", "60%"), ("2045", "60%", "50%")):
        answer = compose_answer(f"tỷ trọng công nghiệp trong GRDP năm {year}", hits, segmenter,
                                model=sure)  # fmt: skip
        assert answer.lines[0].lead == "" and figure in answer.lines[0].text
        assert other not in answer.text


def test_a_quote_is_cited_under_the_section_it_stands_in(segmenter: Segmenter) -> None:
    """The passage opens in one section and goes on into the next: the quote from the second
    part is cited under the second heading."""
    text = "Đẩy mạnh cải cách hành chính. Tốc độ tăng trưởng GRDP đạt 8,5-9,0%."
    later = "II. CÁC CHỈ TIÊU › a) Các chỉ tiêu về kinh tế"
    chunk = Chunk("nq:0", "nq", text, 0, len(text), "I. MỤC TIÊU TỔNG QUÁT",
                  sections=((text.index("Tốc độ"), later),))  # fmt: skip
    meta = DocumentMeta("nq", "Nghị quyết năm 2024", "2023-12-08", "nghị quyết", "HĐND", "nq")
    sure: Any = _Sure()
    answer = compose_answer("tốc độ tăng trưởng GRDP năm 2024", [Hit(1, 1.0, chunk, meta)],
                            segmenter, model=sure)  # fmt: skip
    assert "8,5-9,0%" in answer.text
    assert answer.citations[0].section == later


def test_only_a_figure_is_said_to_cover_part_of_the_year(segmenter: Segmenter) -> None:
    text = "Khống chế bệnh dịch tả lợn châu Phi tại 2 hộ thuộc xã Vũ Ninh (huyện Kiến Xương)."
    hit = _nine_month_hit(text)
    sure = _Sure()
    where = compose_answer("dịch tả lợn châu Phi năm 2023 ở xã nào", [hit], segmenter, model=sure)  # type: ignore[arg-type]
    assert where.lines[0].lead == ""
    count = compose_answer("dịch tả lợn năm 2023 ở bao nhiêu hộ", [hit], segmenter, model=sure)  # type: ignore[arg-type]
    assert count.lines[0].lead == "Tài liệu chỉ có số liệu 9 tháng năm 2023: "
    short = compose_answer("dịch tả lợn 9T/2023 ở bao nhiêu hộ", [hit], segmenter, model=sure)  # type: ignore[arg-type]
    assert short.lines[0].lead == ""  # `9T/2023` is what the report covers


def test_only_another_period_abstains_and_says_which(segmenter: Segmenter) -> None:
    text = "GRDP ước đạt 47.411 tỷ đồng, tăng 7,72% so với cùng kỳ năm 2022."
    hit = _nine_month_hit(text)
    sure = _Sure()
    last_year = compose_answer("GRDP 9 tháng năm 2022 đạt bao nhiêu", [hit], segmenter, model=sure)  # type: ignore[arg-type]
    assert last_year.abstained and last_year.citations == ()
    assert last_year.notice == (
        "Tài liệu không có số liệu 9 tháng năm 2022; chỉ có số liệu 9 tháng năm 2023."
    )
    this_year = compose_answer("GRDP 9 tháng năm 2023 đạt bao nhiêu", [hit], segmenter, model=sure)  # type: ignore[arg-type]
    assert not this_year.abstained and "47.411 tỷ đồng" in this_year.text


def test_a_day_after_the_reports_span_is_another_period(segmenter: Segmenter) -> None:
    hit = _nine_month_hit("Tỷ lệ nợ xấu chiếm khoảng 0,85% tổng dư nợ cho vay.")
    sure: Any = _Sure()
    december = compose_answer(
        "tỷ lệ nợ xấu tại 31/12/2023 là bao nhiêu", [hit], segmenter, model=sure
    )
    assert december.abstained
    assert december.notice == (
        "Tài liệu không có số liệu tại 31/12/2023; chỉ có số liệu 9 tháng năm 2023."
    )
    september = compose_answer(
        "tỷ lệ nợ xấu tại 30/9/2023 là bao nhiêu", [hit], segmenter, model=sure
    )
    assert not september.abstained and "0,85%" in september.text


def test_another_school_year_is_another_period_though_it_shares_a_year(
    segmenter: Segmenter,
) -> None:
    text = "Kỳ thi chọn học sinh giỏi quốc gia năm học 2022-2023 có 34 thí sinh đạt giải."
    hit = _nine_month_hit(text)
    sure = _Sure()
    asked = "kỳ thi học sinh giỏi quốc gia năm học 2023-2024 có bao nhiêu thí sinh đạt giải"
    later = compose_answer(asked, [hit], segmenter, model=sure)  # type: ignore[arg-type]
    assert later.abstained
    assert later.notice == "Tài liệu không có số liệu năm 2023-2024; chỉ có số liệu năm 2022-2023."
    same = compose_answer(asked.replace("2023-2024", "2022 - 2023"), [hit], segmenter, model=sure)  # type: ignore[arg-type]
    assert not same.abstained and "34 thí sinh" in same.text


def test_targets_come_from_the_planning_document(segmenter: Segmenter) -> None:
    report = _hit(1, "b", "2024-01", "Tốc độ tăng trưởng GRDP tháng 01 năm 2024 ước đạt 7,5%.")
    resolution = Hit(
        2,
        0.5,
        Chunk("n:0", "n", "Tốc độ tăng trưởng GRDP năm 2024 phấn đấu đạt 10% trở lên.", 0, 58, "I"),
        DocumentMeta("n", "Nghị quyết năm 2024", "2023-12-08", "nghị quyết", "HĐND", "n.txt"),
    )
    answer = compose_answer("mục tiêu tăng trưởng GRDP năm 2024", [report, resolution], segmenter)
    assert answer.citations[0].doc_id == "n" and "10%" in answer.lines[0].text


def test_a_target_question_is_answered_by_the_plans_figure_not_its_exhortation(
    segmenter: Segmenter,
) -> None:
    """`chỉ tiêu thu ngân sách năm 2024` asks for a value without saying `bao nhiêu`: the
    resolution's figure answers, not `phấn đấu hoàn thành … dự toán` (plan words, no target)."""
    text = (
        "Chỉ đạo thực hiện hiệu quả biện pháp thu ngân sách, phấn đấu hoàn thành hoặc vượt mức "
        "dự toán thu ngân sách đã đề ra. Thu ngân sách nhà nước trên địa bàn năm 2024 đạt 9.878 "
        "tỷ đồng, trong đó, thu nội địa đạt 4.798 tỷ đồng."
    )
    resolution = Hit(
        1,
        1.0,
        Chunk("n:0", "n", text, 0, len(text), "II. CÁC CHỈ TIÊU CHỦ YẾU"),
        DocumentMeta("n", "Nghị quyết năm 2024", "2023-12-08", "nghị quyết", "HĐND", "n.txt"),
    )
    answer = compose_answer("chỉ tiêu thu ngân sách năm 2024", [resolution], segmenter)
    assert "9.878 tỷ đồng" in answer.lines[0].text
    assert not answer.lines[0].text.endswith("trong đó")  # a line never ends on a connector


def test_a_question_about_another_province_is_not_answered_from_this_ones_report(
    segmenter: Segmenter,
) -> None:
    text = "Tổng thu ngân sách nhà nước tháng 01 ước thực hiện 1.470 tỷ đồng, đạt 7,5% dự toán."
    report = Hit(
        1,
        1.0,
        Chunk("r:0", "r", text, 0, len(text), "I. PHÁT TRIỂN KINH TẾ"),
        DocumentMeta(
            "r", "Tình hình tháng 01 năm 2024", "2024-01", "báo cáo", "UBND tỉnh Thái Bình", "r"
        ),
    )
    home = compose_answer(
        "Tháng 1/2024 tỉnh Thái Bình thu ngân sách bao nhiêu?", [report], segmenter
    )
    other = compose_answer(
        "Tháng 1/2024 tỉnh Hà Nam thu ngân sách được bao nhiêu tỷ đồng?", [report], segmenter
    )
    assert not home.abstained and "1.470 tỷ đồng" in home.text
    assert other.abstained


def test_a_clean_clause_wins_over_ocr_damage_saying_the_same(segmenter: Segmenter) -> None:
    damaged = _hit(1, "x", "2024-01", "Kim ngạch xuầt khấu đat 172 triệu USD, tăng 12%.")
    clean = _hit(2, "y", "2024-01", "Kim ngạch xuất khẩu đạt 172 triệu USD, tăng 12%.")
    answer = compose_answer("kim ngạch xuất khẩu bao nhiêu", [damaged, clean], segmenter)
    assert answer.citations[0].doc_id == "y"


def test_weak_evidence_abstains_but_keeps_passages(segmenter: Segmenter) -> None:
    answer = compose_answer("số ca mắc sốt xuất huyết ở Nam Định", HITS, segmenter)
    assert answer.abstained
    assert answer.text == ABSTAIN_TEXT
    assert answer.citations == ()
    assert len(answer.hits) == 2


def test_no_passages_abstains(segmenter: Segmenter) -> None:
    assert compose_answer("tiến độ KCN Hải Long", [], segmenter).abstained


def test_number_questions_prefer_sentences_with_numbers_and_units(segmenter: Segmenter) -> None:
    hits = [
        _hit(
            1,
            "x",
            "2023-09",
            "GRDP tăng trưởng khá so với cùng kỳ năm trước. "
            "GRDP ước đạt 47.411 tỷ đồng, tăng 7,72%.",
        ),
    ]
    answer = compose_answer("GRDP tăng bao nhiêu?", hits, segmenter)
    assert "7,72%" in answer.citations[0].quote


def test_a_list_question_gets_the_whole_enumeration(segmenter: Segmenter) -> None:
    text = (
        "Đoàn công tác của tỉnh đã làm việc với 05 huyện: Tiền Hải, Hưng Hà, Kiến Xương, "
        "Vũ Thư, Thái Thụy, nắm bắt khó khăn, vướng mắc."
    )
    hits = [_hit(1, "r", "2023-09", text)]
    answer = compose_answer(
        "Đoàn công tác của tỉnh đã làm việc với những huyện nào", hits, segmenter
    )
    assert answer.question_type == "list"
    assert "Tiền Hải, Hưng Hà, Kiến Xương, Vũ Thư, Thái Thụy" in answer.lines[0].text


class _Sure:
    """An abstention model that vouches for anything."""

    def probability(self, values: object) -> float:
        return 0.99


def test_a_question_the_passages_do_not_share_words_with_is_never_answered(
    segmenter: Segmenter,
) -> None:
    sure = _Sure()
    off_topic = compose_answer("giá vàng thế giới hôm nay", HITS, segmenter, model=sure)  # type: ignore[arg-type]
    assert off_topic.abstained and off_topic.confidence == 0.0
    on_topic = compose_answer("tiến độ KCN Hải Long", HITS, segmenter, model=sure)  # type: ignore[arg-type]
    assert not on_topic.abstained and on_topic.confidence == pytest.approx(0.99)


def test_few_shared_words_pass_when_the_sentence_stands_out_in_meaning(
    segmenter: Segmenter,
) -> None:
    text = (
        "Ban hành kế hoạch xây dựng hồ sơ khoa học trình UNESCO vinh danh danh nhân Lê Quý Đôn. "
        "Tổ chức tốt các hoạt động văn hóa, thể thao mừng Đảng, mừng Xuân. "
        "Kiểm tra việc thực hiện nếp sống văn minh trong việc cưới, việc tang. "
        "Tổng kết phong trào toàn dân đoàn kết xây dựng đời sống văn hóa."
    )

    def hit(cosines: list[float]) -> Hit:
        return _hit_with_sentence_cosines(text, "2023-09", cosines)

    question = "hồ sơ xin Liên Hợp Quốc tôn vinh danh nhân nào của tỉnh"  # few shared words
    sure = _Sure()
    close = compose_answer(question, [hit([0.95, 0.8, 0.8, 0.8])], segmenter, model=sure)  # type: ignore[arg-type]
    assert close.features["sentence_coverage"] < Settings().min_coverage
    assert not close.abstained and "Lê Quý Đôn" in close.lines[0].text
    # the same words, but another sentence is the one closest in meaning: no answer
    far = compose_answer(question, [hit([0.8, 0.95, 0.8, 0.8])], segmenter, model=sure)  # type: ignore[arg-type]
    assert far.abstained and far.confidence == 0.0


def test_the_sentence_closest_in_meaning_answers_when_the_words_tie(
    segmenter: Segmenter,
) -> None:
    """`lắp đèn` shares only `xã` and a count with both sentences: the one whose stored
    vector is closer to the question is the answer line, whichever it is."""
    text = (
        "Toàn tỉnh có 160 xã đăng ký tham gia chương trình Thắp sáng. "
        "Toàn tỉnh có 27 xã đạt chuẩn nông thôn mới nâng cao."
    )

    def hit(cosines: list[float]) -> Hit:
        return _hit_with_sentence_cosines(text, "2024-01", cosines)

    question, sure = "bao nhiêu xã lắp đèn", _Sure()
    lights = compose_answer(question, [hit([0.92, 0.84])], segmenter, model=sure)  # type: ignore[arg-type]
    assert "160 xã" in lights.lines[0].text
    rural = compose_answer(question, [hit([0.84, 0.92])], segmenter, model=sure)  # type: ignore[arg-type]
    assert "27 xã" in rural.lines[0].text


def test_meaning_weighs_by_how_little_of_the_question_the_words_hold(
    segmenter: Segmenter,
) -> None:
    """With only the gap-grown sentence weight, meaning picks between sentences that hold a
    third of the question (`lắp đèn` in everyday words) and has no say between sentences
    that hold all of it."""
    only_gap = Settings().updated(
        {"answer_sentence_meaning_weight": 0.0, "answer_sentence_meaning_gap_weight": 0.5}
    )
    sure = _Sure()

    def first_line(question: str, text: str, cosines: list[float]) -> str:
        hit = _hit_with_sentence_cosines(text, "2024-01", cosines)
        return compose_answer(question, [hit], segmenter, only_gap, sure).lines[0].text  # type: ignore[arg-type]

    everyday = (
        "Toàn tỉnh có 160 xã đăng ký tham gia chương trình Thắp sáng. "
        "Toàn tỉnh có 27 xã đạt chuẩn nông thôn mới nâng cao."
    )
    assert "160 xã" in first_line("bao nhiêu xã lắp đèn", everyday, [0.92, 0.84])
    assert "27 xã" in first_line("bao nhiêu xã lắp đèn", everyday, [0.84, 0.92])
    worded = "Toàn tỉnh có 160 xã lắp đèn đường. Toàn tỉnh có 27 xã lắp đèn đường làng."
    question = "bao nhiêu xã lắp đèn đường"
    assert first_line(question, worded, [0.92, 0.84]) == first_line(question, worded, [0.84, 0.92])


def test_a_new_figure_is_news_enough_for_a_line(segmenter: Segmenter) -> None:
    """Words beyond a figure the question lacks name a wider or narrower item (`xây dựng và
    dịch vụ`, `chế biến, chế tạo`), not more of the answer: they win no novelty credit."""
    text = (
        "Tỷ trọng công nghiệp, xây dựng và dịch vụ trong GRDP đạt 85% trở lên; trong đó: Tỷ trọng"
        " công nghiệp đạt 50% GRDP; tỷ trọng công nghiệp chế biến, chế tạo đạt khoảng 40% GRDP."
    )
    question = "tỷ trọng công nghiệp trong GRDP năm 2030"
    answer = compose_answer(question, [_hit(1, "p", "2023-05", text)], segmenter, model=_Sure())  # type: ignore[arg-type]
    assert "50% GRDP" in answer.lines[0].text and "85%" not in answer.lines[0].text


def test_composer_tunables_come_from_settings(segmenter: Segmenter) -> None:
    first = _hit(1, "x", "2024-01", "Tổ chức Hội nghị xúc tiến đầu tư vào các khu công nghiệp.")
    second = _hit(2, "y", "2024-01", "Kim ngạch xuất khẩu đạt 172 triệu USD, tăng 12%.")
    question, sure = "kim ngạch xuất khẩu bao nhiêu", _Sure()
    both = compose_answer(question, [first, second], segmenter, model=sure)  # type: ignore[arg-type]
    assert [c.doc_id for c in both.citations] == ["y"]
    one_passage = Settings().updated({"answer_passages_read": 1})
    only_first = compose_answer(question, [first, second], segmenter, one_passage, sure)  # type: ignore[arg-type]
    assert only_first.abstained  # the one passage read does not speak of exports


def test_features_carry_the_margin_and_the_quoted_sentences_z_cosine(segmenter: Segmenter) -> None:
    answering = "Kim ngạch xuất khẩu đạt 172 triệu USD, tăng 12%."
    text = f"{answering} Tổ chức Hội nghị xúc tiến đầu tư vào các khu công nghiệp."
    chunk = Chunk("x:0", "x", text, 0, len(text), "I")
    meta = DocumentMeta("x", "Báo cáo", "2024-01", "báo cáo", "UBND", "x.txt")
    end = len(answering)
    cosines = (SentenceMatch(0, end, 0.91), SentenceMatch(end + 1, len(text), 0.84))
    hit = Hit(1, 1.0, chunk, meta, (), None, cosines)
    clear = compose_answer("kim ngạch xuất khẩu bao nhiêu", [hit], segmenter)
    assert clear.features["sentence_similarity"] == pytest.approx(1.0)  # (0.91 − 0.875) / 0.035
    twice = f"{answering} Kim ngạch xuất khẩu đạt 170 triệu USD, tăng 11%."
    rival = Chunk("y:0", "y", twice, 0, len(twice), "I")
    close = compose_answer("kim ngạch xuất khẩu bao nhiêu", [Hit(1, 1.0, rival, meta)], segmenter)
    assert "sentence_similarity" not in close.features  # BM25 alone: no sentence cosines
    assert clear.features["margin"] > close.features["margin"] >= 0.0


def test_register_alternatives_bring_the_documents_words_to_the_answer(
    segmenter: Segmenter,
) -> None:
    text = (
        "Đến nay, toàn tỉnh có 300 trường học các cấp đạt chuẩn quốc gia. Năm học 2023-2024, "
        "tỉnh có 106 trường THCS, 39 trường THPT và 8 trung tâm giáo dục nghề nghiệp."
    )
    hits = [_hit(1, "r", "2023-09", text)]
    question, sure = "tỉnh có mấy trường cấp 3", _Sure()
    plain = compose_answer(question, hits, segmenter, model=sure)  # type: ignore[arg-type]
    assert "39 trường THPT" not in plain.text
    expanded = compose_answer(
        question,
        hits,
        segmenter,
        model=sure,
        alternatives=("trung học phổ thông",),  # type: ignore[arg-type]
    )
    assert "39 trường THPT" in expanded.text


def test_a_section_path_holding_the_question_does_not_make_any_clause_an_answer(
    segmenter: Segmenter,
) -> None:
    section = "Phần thứ nhất › I. PHÁT TRIỂN KINH TẾ › 4. Thương mại, ngân hàng, thu chi ngân sách"
    meta = DocumentMeta(
        "r9", "Tình hình kinh tế - xã hội 9 tháng năm 2023", "2023-09", "báo cáo", "", ""
    )
    texts = (
        "Thanh tra, giám sát, phòng chống, ngăn ngừa vi phạm pháp luật trong lĩnh vực ngân hàng; "
        "triển khai cơ cấu lại các tổ chức tín dụng.",
        "Tổng thu ngân sách nhà nước 9 tháng ước thực hiện 17.064,7 tỷ đồng, đạt 81,3% dự toán, "
        "bằng 85,3% cùng kỳ.",
    )
    hits = [
        Hit(rank, 1.0 / rank, Chunk(f"r9:{rank}", "r9", text, 0, len(text), section), meta)
        for rank, text in enumerate(texts, start=1)
    ]
    answer = compose_answer("thu ngân sách năm 2023", hits, segmenter)
    assert not answer.abstained
    assert "17.064,7 tỷ đồng" in answer.lines[0].text
    assert answer.lines[0].lead == "Tài liệu chỉ có số liệu 9 tháng năm 2023: "  # part of the year


def test_a_line_without_a_figure_in_the_asked_unit_is_never_vouched_for(
    segmenter: Segmenter,
) -> None:
    text = "Tổ công tác hỗ trợ triển khai dự án nhà máy nhiệt điện LNG Thái Bình 1.500 MW."
    hit = _hit(1, "p", "2023-09", text.replace(" 1.500 MW", ""))
    sure = _Sure()
    asked = "công suất nhà máy nhiệt điện LNG Thái Bình bao nhiêu MW"
    assert compose_answer(asked, [hit], segmenter, model=sure).abstained  # type: ignore[arg-type]
    stated = compose_answer(asked, [_hit(1, "p", "2023-09", text)], segmenter, model=sure)  # type: ignore[arg-type]
    assert not stated.abstained and "1.500 MW" in stated.text
    pigs = _hit(1, "p", "2023-09", "Tổng đàn lợn ước đạt 712,6 nghìn con, tăng 2,9%.")
    herd = compose_answer("đàn lợn có bao nhiêu con", [pigs], segmenter, model=sure)  # type: ignore[arg-type]
    assert "712,6 nghìn con" in herd.text  # a scale word between the figure and its unit


def test_a_medal_of_another_metal_is_never_vouched_for(segmenter: Segmenter) -> None:
    text = "Tham dự cuộc thi Tài năng diễn viên Chèo toàn quốc năm 2023, đạt 02 HCV."
    hit = _hit(1, "p", "2023-09", text)
    sure: Any = _Sure()
    bronze = "cuộc thi Tài năng diễn viên Chèo toàn quốc 2023 đạt mấy huy chương đồng"
    assert compose_answer(bronze, [hit], segmenter, model=sure).abstained
    medals = "cuộc thi Tài năng diễn viên Chèo toàn quốc 2023 đạt mấy cái huy chương"
    answer = compose_answer(medals, [hit], segmenter, model=sure)
    assert not answer.abstained and "02 HCV" in answer.text


def test_a_line_with_the_asked_figure_leads_when_nearly_as_good(segmenter: Segmenter) -> None:
    # the first sentence holds more of the question (the school year) but no figure
    named = (
        "Tổ chức tốt, nghiêm túc các kỳ thi, cuộc thi cho học sinh, giáo viên trong toàn ngành "
        "(Hội thi Khoa học kỹ thuật học sinh trung học cấp tỉnh, Kỳ thi chọn học sinh giỏi quốc "
        "gia năm học 2022-2023)."
    )
    counted = "Hội thi Khoa học kỹ thuật học sinh trung học cấp tỉnh có 07 Giải Nhất, 16 Giải Nhì."
    hits = [_hit(1, "a", "2023-09", named), _hit(2, "b", "2023-09", counted)]
    asked = "Cuộc thi khoa học kỹ thuật cho học sinh toàn tỉnh năm học 2022-2023 có mấy giải nhất?"
    answer = compose_answer(asked, hits, segmenter, model=_Sure())  # type: ignore[arg-type]
    assert not answer.abstained
    assert answer.lines[0].text.endswith("có 07 Giải Nhất, 16 Giải Nhì")
    assert [c.quote for c in answer.citations] == [counted]
    # not when it is far behind: then the best line stands, and abstains for want of a figure
    strict = replace(Settings(), answer_second_line_floor=10.0)
    assert compose_answer(asked, hits, segmenter, strict, model=_Sure()).abstained  # type: ignore[arg-type]


def test_a_line_for_the_asked_year_leads_when_nearly_as_good(segmenter: Segmenter) -> None:
    def hit(rank: int, title: str, date: str, kind: str, text: str) -> Hit:
        meta = DocumentMeta(f"d{rank}", title, date, kind, "UBND", f"d{rank}.txt")
        return Hit(rank, 1.0 / rank, Chunk(f"d{rank}:0", f"d{rank}", text, 0, len(text), "I"), meta)

    plan = hit(
        1, "Nghị quyết về kế hoạch phát triển kinh tế - xã hội năm 2024", "2023-12",
        "nghị quyết", "Chỉ tiêu kế hoạch: tốc độ tăng trưởng GRDP đạt 8,5-9,0%.",
    )  # fmt: skip
    report = hit(
        2, "Báo cáo tình hình kinh tế - xã hội 9 tháng năm 2023", "2023-09", "báo cáo",
        "GRDP tăng 7,72%/ kế hoạch 11%; GTSX: CN tăng 9,2%/ 19,2%; XD tăng 5,2%/ 8,5%.",
    )  # fmt: skip
    asked = "kế hoạch tăng trưởng GRDP năm 2023 là bao nhiêu"
    answer = compose_answer(asked, [plan, report], segmenter, model=_Sure())  # type: ignore[arg-type]
    assert not answer.abstained and "kế hoạch 11%" in answer.lines[0].text
    assert answer.citations[0].doc_id == "d2"
    # far behind, the 2024 target stays the best line, and the answer abstains naming it
    strict = replace(Settings(), answer_second_line_floor=10.0)
    abstained = compose_answer(asked, [plan, report], segmenter, strict, model=_Sure())  # type: ignore[arg-type]
    assert abstained.abstained and abstained.notice is not None and "2024" in abstained.notice


def test_a_figure_for_a_sibling_indicator_is_never_vouched_for(segmenter: Segmenter) -> None:
    pigs = _hit(1, "p", "2023-09", "Tổng đàn lợn ước đạt 712,6 nghìn con, tăng 2,9%.")
    sure = _Sure()
    goats = compose_answer("tổng đàn dê có bao nhiêu con", [pigs], segmenter, model=sure)  # type: ignore[arg-type]
    assert goats.abstained
    for asked in ("tổng đàn lợn có bao nhiêu con", "đàn heo có bao nhiêu con"):
        # the documents' word for the user's (`heo` → `lợn`) names the indicator as well
        alternatives = ("lợn",) if "heo" in asked else ()
        answer = compose_answer(asked, [pigs], segmenter, model=sure, alternatives=alternatives)  # type: ignore[arg-type]
        assert not answer.abstained and "712,6 nghìn con" in answer.text
    graduates = _hit(1, "p", "2023-09", "Tỷ lệ tốt nghiệp THPT năm 2023 đạt 99,78%.")
    jobless = compose_answer("tỷ lệ thất nghiệp năm 2023", [graduates], segmenter, model=sure)  # type: ignore[arg-type]
    assert jobless.abstained
    # a price is named as such: the rice area is no rice price
    rice = _hit(1, "p", "2023-12", "Năm 2023, diện tích cấy lúa đạt 149.863 ha, năng suất tăng.")
    assert compose_answer("giá lúa năm 2023 là bao nhiêu", [rice], segmenter, model=sure).abstained  # type: ignore[arg-type]
    priced = _hit(1, "p", "2023-12", "Năm 2023, giá lúa tại ruộng đạt 8.000 đồng/kg.")
    answer = compose_answer("giá lúa năm 2023 là bao nhiêu", [priced], segmenter, model=sure)  # type: ignore[arg-type]
    assert not answer.abstained and "8.000 đồng/kg" in answer.text


def test_a_figure_for_another_named_indicator_is_never_vouched_for(
    segmenter: Segmenter,
) -> None:
    """`BHYT` is not `BHXH`, `PCI` is not `DTI`: a line naming only another indicator of the
    lexicon's `[indicators]` abstains, however many of the question's other words it holds;
    the one asked, in either form, answers."""
    sure = _Sure()
    health = _hit(1, "p", "2023-12", "Năm 2024, tỷ lệ dân số tham gia bảo hiểm y tế đạt 88,5%.")
    asked = "Năm 2024 tỷ lệ dân số tham gia bảo hiểm xã hội là bao nhiêu phần trăm"
    assert compose_answer(asked, [health], segmenter, model=sure).abstained  # type: ignore[arg-type]
    for asked in ("tỷ lệ dân số tham gia BHYT năm 2024", "tỷ lệ dân số tham gia bảo hiểm y tế"):
        answer = compose_answer(asked, [health], segmenter, model=sure)  # type: ignore[arg-type]
        assert not answer.abstained and "88,5%" in answer.text
    ranks = _hit(2, "q", "2023-09", "Năm 2022, PCI của Thái Bình xếp thứ 28/63 tỉnh, thành phố.")
    for asked in ("Năm 2022 DTI", "Năm 2022 chỉ số chuyển đổi số cấp tỉnh"):
        question = f"{asked} của Thái Bình xếp thứ mấy trong 63 tỉnh, thành phố"
        assert compose_answer(question, [ranks], segmenter, model=sure).abstained  # type: ignore[arg-type]
    answer = compose_answer(
        "Năm 2022 PCI của Thái Bình xếp thứ mấy", [ranks], segmenter, model=sure
    )  # type: ignore[arg-type]
    assert not answer.abstained and "28/63" in answer.text


def test_a_figure_for_another_thing_of_the_asked_kind_is_never_vouched_for(
    segmenter: Segmenter,
) -> None:
    """Covid-19 cases are no dengue cases, a rice harvest no maize harvest
    (`qa/data/kinds.toml`), however many other words of the question the line holds; the
    asked member, in the user's word (`bắp`) or typed without diacritics, answers."""
    sure = _Sure()
    covid = _hit(1, "p", "2023-09", "Năm 2023, toàn tỉnh ghi nhận 354 ca mắc Covid-19.")
    for asked in (
        "Năm 2023 có bao nhiêu ca mắc sốt xuất huyết",
        "nam 2023 so ca mac sot xuat huyet",
    ):
        assert compose_answer(asked, [covid], segmenter, model=sure).abstained  # type: ignore[arg-type]
    answer = compose_answer("Năm 2023 có bao nhiêu ca mắc Covid-19", [covid], segmenter, model=sure)  # type: ignore[arg-type]
    assert not answer.abstained and "354" in answer.text
    for asked, said in (
        ("Năm 2023 sản lượng ngô đạt bao nhiêu tấn", "sản lượng lúa đạt 1,07 triệu tấn"),
        ("Năm 2023 có bao nhiêu doanh nghiệp giải thể", "cấp mới giấy phép cho 105 doanh nghiệp"),
        (
            "Năm 2023 tỷ lệ trẻ suy dinh dưỡng thể thấp còi là bao nhiêu",
            "tỷ lệ trẻ em suy dinh dưỡng thể nhẹ cân còn 9,0%",
        ),
    ):
        found = _hit(1, "p", "2023-12", f"Năm 2023, {said}.")
        assert compose_answer(asked, [found], segmenter, model=sure).abstained, asked  # type: ignore[arg-type]
    # the register's word for the user's names the member; a class names its members
    # (poultry speaks of the chickens, never of the pigs)
    answered = (
        ("Năm 2023 sản lượng bắp đạt bao nhiêu tấn", "ngô", "sản lượng ngô đạt 52 nghìn tấn"),
        (
            "tổng đàn gà vịt có bao nhiêu con",
            "gia cầm",
            "đàn lợn đạt 712,6 nghìn con; tổng đàn gia cầm đạt 14,3 triệu con",
        ),
    )
    for asked, alternative, said in answered:
        found = _hit(1, "p", "2023-12", f"Năm 2023, {said}.")
        answer = compose_answer(asked, [found], segmenter, model=sure, alternatives=(alternative,))  # type: ignore[arg-type]
        assert not answer.abstained and said.rsplit(" đạt ", 1)[1] in answer.text, asked
    poultry = _hit(1, "p", "2023-09", "Tổng đàn gia cầm đạt 14,3 triệu con.")
    pigs = compose_answer("tổng đàn lợn có bao nhiêu con", [poultry], segmenter, model=sure)  # type: ignore[arg-type]
    assert pigs.abstained


def test_the_answer_line_leaves_out_the_clauses_about_another_member(
    segmenter: Segmenter,
) -> None:
    """`491 doanh nghiệp tạm ngừng kinh doanh, 96 doanh nghiệp giải thể`: for the dissolved
    firms the line is the clause naming them; the quote keeps the whole sentence."""
    said = (
        "Chín tháng năm 2023, có 221 doanh nghiệp hoạt động trở lại, 491 doanh nghiệp tạm "
        "ngừng kinh doanh, 96 doanh nghiệp giải thể tự nguyện."
    )
    found = _hit(1, "p", "2023-09", said)
    asked = "9 tháng năm 2023 có bao nhiêu doanh nghiệp giải thể"
    answer = compose_answer(asked, [found], segmenter, model=_Sure())  # type: ignore[arg-type]
    assert not answer.abstained and "96" in answer.lines[0].text
    assert "491" not in answer.lines[0].text and "221" not in answer.lines[0].text
    assert "491" in answer.citations[0].quote


def test_a_word_holding_a_member_but_meaning_another_thing_names_no_member() -> None:
    """`dự toán` (a budget's estimate) holds the school subject `toán` and `giải thể thao`
    the dissolution of a firm: neither makes a question ask for that member, nor evidence name
    it; the subject written alone still counts."""
    assert not KindsAsked("giải ngân đạt bao nhiêu % dự toán")
    assert not KindsAsked("tỉnh tổ chức mấy giải thể thao")
    literature = KindsAsked("điểm trung bình môn Ngữ văn năm 2023")
    assert not literature.names_another("Chi ngân sách đạt 41% dự toán")
    assert literature.names_another("3 môn trong tốp 10: Toán đạt 6,72 (xếp thứ 6)")


def test_who_holds_a_post_is_answered_by_a_person(segmenter: Segmenter) -> None:
    """`… là ai` asks for a person: a caption naming one answers, though it shares fewer of
    the question's words than the bodies listed in the session's closing article; a line
    naming no person (a district's name is none) answers nothing."""
    sure = _Sure()
    asked = "Chủ tịch UBND tỉnh phát biểu tại kỳ họp HĐND là ai"
    bodies = _hit(
        1, "p", "2023-12", "Kỳ họp HĐND tỉnh có Chủ tịch, các PCT HĐND tỉnh và UBND tỉnh dự."
    )
    caption = _hit(
        2, "p", "2023-12", "Đồng chí Nguyễn Khắc Thịnh, Chủ tịch UBND tỉnh phát biểu tại kỳ họp."
    )
    answer = compose_answer(asked, [bodies, caption], segmenter, model=sure)  # type: ignore[arg-type]
    assert not answer.abstained and "Nguyễn Khắc Thịnh" in answer.lines[0].text
    assert compose_answer(asked, [bodies], segmenter, model=sure).abstained  # type: ignore[arg-type]
    place = _hit(1, "p", "2023-12", "Chủ tịch UBND tỉnh phát biểu tại kỳ họp ở huyện Vũ Thư.")
    at_vu_thu = compose_answer(asked, [place], segmenter, model=sure, districts=("Vũ Thư",))  # type: ignore[arg-type]
    assert at_vu_thu.abstained


def test_a_question_about_a_rise_is_answered_by_a_line_stating_a_change(
    segmenter: Segmenter,
) -> None:
    """`tăng bao nhiêu` asks for a change: a level (`đạt 75,1-75,4 triệu đồng`) is no answer."""
    sure = _Sure()
    level = _hit(1, "p", "2023-12", "GRDP bình quân đầu người năm 2024 đạt 75,1-75,4 triệu đồng.")
    growth = _hit(2, "p", "2023-12", "Tốc độ tăng trưởng GRDP năm 2024 đạt 8,5-9,0%.")
    asked = "GRDP năm 2024 tăng bao nhiêu"
    assert compose_answer(asked, [level], segmenter, model=sure).abstained  # type: ignore[arg-type]
    answer = compose_answer(asked, [level, growth], segmenter, model=sure)  # type: ignore[arg-type]
    assert not answer.abstained and "8,5-9,0%" in answer.lines[0].text
    # a level answers a question about the level
    level_asked = "GRDP bình quân đầu người năm 2024 là bao nhiêu"
    assert not compose_answer(level_asked, [level], segmenter, model=sure).abstained  # type: ignore[arg-type]


def test_a_change_word_is_read_with_its_marks(segmenter: Segmenter) -> None:
    """`tặng` (gave) and `giám sát` (supervision) are no rise or fall, though they fold to
    `tang` and `giam`; a change word whose marks were lost (`tang 5%`) still is one."""
    sure = _Sure()
    asked = "quà Tết năm 2023 tăng bao nhiêu"
    gifts = _hit(1, "p", "2023-09", "Dịp Tết năm 2023, tặng 383.962 suất quà cho hộ nghèo.")
    assert compose_answer(asked, [gifts], segmenter, model=sure).abstained  # type: ignore[arg-type]
    bare = _hit(1, "p", "2023-09", "Dịp Tết năm 2023, số suất quà tang 5% so voi năm trước.")
    answer = compose_answer(asked, [bare], segmenter, model=sure)  # type: ignore[arg-type]
    assert not answer.abstained and "5%" in answer.lines[0].text


def test_a_document_number_question_is_answered_by_a_line_naming_the_number(
    segmenter: Segmenter,
) -> None:
    sure = _Sure()
    asked = "Năm 2024 tăng cường kỷ luật kỷ cương hành chính theo văn bản số mấy?"
    about = _hit(1, "p", "2024-01", "Năm 2024 tăng cường kỷ luật kỷ cương hành chính, công vụ.")
    assert compose_answer(asked, [about], segmenter, model=sure).abstained  # type: ignore[arg-type]
    numbered = _hit(
        2, "q", "2024-02", "Tăng cường kỷ luật, kỷ cương hành chính tại Văn bản số 3723/UBND-NCKS."
    )
    answer = compose_answer(asked, [about, numbered], segmenter, model=sure)  # type: ignore[arg-type]
    assert not answer.abstained and "3723/UBND-NCKS" in answer.text
    assert len(answer.lines) == 1  # the line about it without its number adds nothing


def test_a_quantity_the_question_names_must_be_stated(segmenter: Segmenter) -> None:
    sure = _Sure()
    asked = "toàn tỉnh có bao nhiêu tàu cá dài từ 24 mét trở lên"
    shorter = _hit(1, "p", "2023-09", "Tàu cá có chiều dài lớn nhất từ 15m trở lên: 179 tàu.")
    assert compose_answer(asked, [shorter], segmenter, model=sure).abstained  # type: ignore[arg-type]
    stated = _hit(1, "p", "2023-09", "Tàu cá có chiều dài lớn nhất từ 24m trở lên: 12 tàu.")
    answer = compose_answer(asked, [stated], segmenter, model=sure)  # type: ignore[arg-type]
    assert not answer.abstained and "12 tàu" in answer.text


def test_a_sentence_goes_on_about_the_names_of_the_one_before(segmenter: Segmenter) -> None:
    text = (
        "Ban Quản lý KKT và các KCN cấp mới, điều chỉnh GCNĐKĐT cho 35 dự án. Giá trị sản xuất "
        "công nghiệp của các doanh nghiệp ước đạt 42.345,2 tỷ đồng, tăng 9,7%."
    )
    asked = "GTSX công nghiệp của các DN trong KKT và các KCN ước đạt bao nhiêu"
    answer = compose_answer(asked, [_hit(1, "r", "2023-09", text)], segmenter, model=_Sure())  # type: ignore[arg-type]
    assert not answer.abstained and "42.345,2 tỷ đồng" in answer.lines[0].text
    far = text.replace(". Giá trị", ". Tổ chức hội nghị xúc tiến đầu tư. Giá trị")
    apart = compose_answer(asked, [_hit(1, "r", "2023-09", far)], segmenter, model=_Sure())  # type: ignore[arg-type]
    assert apart.abstained  # only the sentence just before lends its names
    # a lent name counts less than one a sentence states itself
    lends = (
        "Chỉ đạo triển khai các nhiệm vụ; phê duyệt điều chỉnh cục bộ quy hoạch KCN Hải Long. "
        "Tập trung tháo gỡ các khó khăn, vướng mắc để đẩy nhanh tiến độ hoàn thành các dự án "
        "đầu tư trong Khu kinh tế Thái Bình."
    )
    states = (
        "Chỉ đạo tháo gỡ vướng mắc và hỗ trợ nhà đầu tư đẩy nhanh tiến độ triển khai Dự án "
        "Khu công nghiệp Hải Long."
    )
    hits = [_hit(1, "p", "2024-01", lends), _hit(2, "q", "2023-09", states)]
    progress = compose_answer("tiến độ KCN Hải Long?", hits, segmenter, model=_Sure())  # type: ignore[arg-type]
    assert len(progress.lines) == 2 and all("Hải Long" in x.text for x in progress.lines)


def test_a_footnote_the_passage_marks_is_read_with_it(segmenter: Segmenter) -> None:
    from qa.answer.ask import footnotes_of

    body = "Chấp thuận chuyển mục đích sử dụng đất trồng lúa để thực hiện 03 dự án⁴."
    passage = replace(_hit(1, "r", "2024-01", body).chunk, footnotes=(4,))
    hit = Hit(1, 1.0, passage, _hit(1, "r", "2024-01", body).doc)
    note_text = "Tổng diện tích 211,67 ha (trong đó đất trồng lúa 178,21 ha)."
    note = Chunk("r:900", "r", note_text, 900, 960, "I › Chú thích 4", footnote=4)
    other = Chunk("r:990", "r", "Chú thích khác.", 990, 1005, "I › Chú thích 5", footnote=5)
    notes = footnotes_of([hit], {"r": [passage, note, other]})
    assert [n.chunk.chunk_id for n in notes] == ["r:900"] and notes[0].rank == 1
    assert footnotes_of([hit, notes[0]], {"r": [passage, note]}) == []  # already read
    asked = "chuyển bao nhiêu ha đất trồng lúa để thực hiện dự án"
    alone = compose_answer(asked, [hit], segmenter, model=_Sure())  # type: ignore[arg-type]
    assert "178,21 ha" not in alone.text
    read = compose_answer(asked, [hit], segmenter, model=_Sure(), notes=notes)  # type: ignore[arg-type]
    assert "178,21 ha" in read.text
    assert any(c.chunk_id == "r:900" and "178,21 ha" in c.quote for c in read.citations)


def test_the_clause_naming_the_asked_indicator_beats_the_one_sharing_its_scaffolding(
    segmenter: Segmenter,
) -> None:
    text = (
        "Tổng nguồn vốn huy động của các tổ chức tín dụng đến ngày 30/9/2023 ước đạt 118.700 tỷ "
        "đồng, tăng 13,5%; tổng dư nợ cho vay ước đạt 90.510 tỷ đồng, tăng 5% so với thời điểm "
        "31/12/2022; tỷ lệ nợ xấu chiếm khoảng 0,85% tổng dư nợ cho vay; mặt bằng lãi suất huy "
        "động giảm so với cuối năm 2022."
    )
    hit = _hit(1, "r", "2023-09", text)
    question = "tỷ lệ nợ xấu của các tổ chức tín dụng đến 30/9/2023"
    answer = compose_answer(question, [hit], segmenter, Settings(abstain_below=-1.0))
    assert "0,85%" in answer.lines[0].text
    without = Settings(abstain_below=-1.0, answer_phrase_weight=0.0)
    assert "0,85%" not in compose_answer(question, [hit], segmenter, without).lines[0].text


def test_a_number_question_answered_only_by_its_own_figure_is_never_vouched_for(
    segmenter: Segmenter,
) -> None:
    hit = _hit(
        1,
        "p",
        "2023-09",
        "Đẩy nhanh tiến độ hoàn thiện thủ tục đầu tư dự án Bệnh viện 1.500 giường.",
    )
    sure = _Sure()
    asked = "tổng mức đầu tư Bệnh viện 1.500 giường là bao nhiêu"
    assert compose_answer(asked, [hit], segmenter, model=sure).abstained  # type: ignore[arg-type]
    stated = _hit(
        1, "p", "2023-09", "Dự án Bệnh viện 1.500 giường có tổng mức đầu tư 2.000 tỷ đồng."
    )
    assert not compose_answer(asked, [stated], segmenter, model=sure).abstained  # type: ignore[arg-type]


def test_a_question_naming_a_date_the_report_reaches_gets_no_part_of_year_lead(
    segmenter: Segmenter,
) -> None:
    text = "Tỷ lệ nợ xấu chiếm khoảng 0,85% tổng dư nợ cho vay đến ngày 30/9/2023."
    hit = _nine_month_hit(text)
    never = Settings(abstain_below=-1.0)
    dated = compose_answer("tỷ lệ nợ xấu đến 30/9/2023", [hit], segmenter, never)
    assert dated.lines[0].lead == ""
    yearly = compose_answer("tỷ lệ nợ xấu năm 2023", [hit], segmenter, never)
    assert yearly.lines[0].lead == "Tài liệu chỉ có số liệu 9 tháng năm 2023: "


def test_a_dateline_answers_only_a_date_question(segmenter: Segmenter) -> None:
    text = (
        "Thái Bình, ngày 19 tháng 5 năm 2023. "
        "Thương mại, dịch vụ phát triển chậm; chưa có chợ đầu mối, trung tâm logistics lớn."
    )
    hits = [_hit(1, "c", "2023-05-19", text)]
    sure = _Sure()
    # the dateline holds the question's place and month, the other sentence its topic
    status = compose_answer(
        "tháng 5/2023 Thái Bình có chợ đầu mối chưa", hits, segmenter, model=sure
    )  # type: ignore[arg-type]
    assert all("ngày 19 tháng 5" not in c.quote for c in status.citations)
    date = compose_answer("chương trình ban hành ngày nào", hits, segmenter, model=sure)  # type: ignore[arg-type]
    assert "ngày 19 tháng 5 năm 2023" in date.text


def test_the_clause_window_closest_in_meaning_answers_when_words_do_not_decide(
    segmenter: Segmenter,
) -> None:
    """`cá tôm nuôi ở ao` shares no word with either figure's clause: the clause vectors
    (stored at index time) pick the one that means it."""
    text = "Sản lượng nuôi trồng ước đạt 13,1 nghìn tấn, tăng 2,4%; khai thác đạt 8,8 nghìn tấn."
    clauses = passage_clauses(text)
    farmed = [text[a:b].startswith(("Sản lượng", "tăng")) for a, b in clauses]

    def hit(farmed_is_close: bool) -> Hit:
        close, far = np.array([1.0, 0.0]), np.array([0.0, 1.0])
        vectors = np.stack([close if f == farmed_is_close else far for f in farmed])
        meanings = ClauseMeanings(tuple(clauses), vectors @ close, vectors @ vectors.T)
        return replace(_nine_month_hit(text), clauses=meanings)

    question = "9 tháng năm 2023 con cá con tôm ở ao hồ được bao nhiêu tấn"
    sure = _Sure()
    farmed_answer = compose_answer(question, [hit(True)], segmenter, model=sure)  # type: ignore[arg-type]
    assert "13,1 nghìn tấn" in farmed_answer.text and "8,8" not in farmed_answer.text
    caught_answer = compose_answer(question, [hit(False)], segmenter, model=sure)  # type: ignore[arg-type]
    assert "8,8 nghìn tấn" in caught_answer.text and "13,1" not in caught_answer.text


def test_the_classifier_of_a_what_kind_question_is_no_term(segmenter: Segmenter) -> None:
    text = (
        "Ưu tiên phát triển các loại hóa chất cơ bản, hóa dầu; luyện kim (ưu tiên phát triển "
        "thép hợp kim, thép đặc chủng phục vụ công nghiệp chế tạo máy)."
    )
    answer = compose_answer(
        "tỉnh ưu tiên làm loại sắt thép gì", [_hit(1, "p", "2023-05", text)], segmenter
    )
    assert "thép hợp kim" in answer.lines[0].text and "hóa chất" not in answer.lines[0].text
