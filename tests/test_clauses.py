"""Clause cutting, periods, question kinds and number faithfulness: the pure answer helpers."""

from __future__ import annotations

import doctest
import types

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qa.answer import abstention, clauses, kinds, periods
from qa.answer.clauses import invalid_share, passage_clauses, split_clauses, windows
from qa.answer.periods import evidence_period, neighbour, period_of
from qa.text import numbers
from qa.text.numbers import unsupported_numbers

BUDGET = (
    "Tổng thu ngân sách nhà nước trên địa bàn ước đạt 5.120 tỷ đồng (bằng 78% dự toán), "
    "tăng 8,3% so với cùng kỳ; trong đó thu nội địa 4.300 tỷ đồng, thu từ hoạt động xuất nhập "
    "khẩu 820 tỷ đồng; chi ngân sách địa phương 9.870 tỷ đồng."
)


@pytest.mark.parametrize("module", [clauses, kinds, numbers, periods, abstention])
def test_doctests(module: types.ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_clauses_are_verbatim_and_keep_parentheses_whole() -> None:
    spans = split_clauses(BUDGET)
    texts = [BUDGET[a:b] for a, b in spans]
    assert texts[0] == (
        "Tổng thu ngân sách nhà nước trên địa bàn ước đạt 5.120 tỷ đồng (bằng 78% dự toán)"
    )
    assert texts[1] == "tăng 8,3% so với cùng kỳ"
    assert texts[2] == "trong đó thu nội địa 4.300 tỷ đồng"
    assert all(not t.endswith((",", ";")) for t in texts)
    assert [a for a, _ in spans] == sorted(a for a, _ in spans)


def test_windows_respect_the_word_limit_and_stay_inside_the_sentence() -> None:
    found = [BUDGET[w.start : w.end] for w in windows(BUDGET, split_clauses(BUDGET), 25)]
    assert all(len(w.split()) <= 25 or ("," not in w and ";" not in w) for w in found)
    assert (
        "Tổng thu ngân sách nhà nước trên địa bàn ước đạt 5.120 tỷ đồng (bằng 78% dự toán), "
        "tăng 8,3% so với cùng kỳ"
    ) in found
    assert all(w in BUDGET for w in found)


def test_a_line_never_ends_on_the_time_that_opens_the_next_clause() -> None:
    sentence = (
        "cấp mới cho 35 dự án với số vốn 7.048 tỷ đồng; lũy kế đến tháng 9/2023, có 318 dự án "
        "với tổng số vốn 128.511 tỷ đồng, Năm 2024"
    )
    lines = [sentence[w.start : w.end] for w in windows(sentence, split_clauses(sentence), 40)]
    assert "cấp mới cho 35 dự án với số vốn 7.048 tỷ đồng; lũy kế đến tháng 9/2023" not in lines
    assert "lũy kế đến tháng 9/2023" not in lines
    assert "lũy kế đến tháng 9/2023, có 318 dự án với tổng số vốn 128.511 tỷ đồng" in lines
    assert lines[-1] == "Năm 2024"  # the sentence's last clause is what it is


def test_a_line_never_opens_inside_a_coordinated_pair() -> None:
    """`sửa đổi, bổ sung`: a line opening at `bổ sung` says the rule was only added to."""
    sentence = (
        "Trình Hội đồng nhân dân tỉnh sửa đổi, bổ sung quy định mức học phí năm học 2022-2023; "
        "thu hồi hồ sơ, bản đồ địa giới hành chính"
    )
    lines = [sentence[w.start : w.end] for w in windows(sentence, split_clauses(sentence), 40)]
    assert not any(line.startswith("bổ sung") for line in lines)
    assert (
        "Trình Hội đồng nhân dân tỉnh sửa đổi, bổ sung quy định mức học phí năm học 2022-2023"
        in lines
    )
    assert "bản đồ địa giới hành chính" in lines  # `hồ sơ, bản đồ` is no listed pair


def test_a_line_never_opens_inside_a_list_of_economic_sectors() -> None:
    """`công nghiệp, xây dựng và dịch vụ` is one share of GRDP: `xây dựng và dịch vụ … đạt
    81,4-81,5%` would give the whole share to two of its three sectors."""
    sentence = (
        "Tỷ trọng công nghiệp, xây dựng và dịch vụ trong GRDP (không tính thuế sản phẩm) đạt "
        "81,4-81,5%; nông, lâm nghiệp và thủy sản tăng 2,1-2,3%"
    )
    lines = [sentence[w.start : w.end] for w in windows(sentence, split_clauses(sentence), 40)]
    assert not any(line.startswith(("xây dựng", "lâm nghiệp")) for line in lines)
    assert "nông, lâm nghiệp và thủy sản tăng 2,1-2,3%" in lines


def test_a_line_stops_after_a_pair_not_inside_it_when_both_fit() -> None:
    sentence = "Đã tiếp nhận 3.602 đơn khiếu nại, tố cáo; giải quyết 3.400 đơn"
    lines = [sentence[w.start : w.end] for w in windows(sentence, split_clauses(sentence), 40)]
    assert "Đã tiếp nhận 3.602 đơn khiếu nại" not in lines
    assert "Đã tiếp nhận 3.602 đơn khiếu nại, tố cáo" in lines
    # when the pair would run past the limit, the first item may still end a line
    narrow = [sentence[w.start : w.end] for w in windows(sentence, split_clauses(sentence), 6)]
    assert "Đã tiếp nhận 3.602 đơn khiếu nại" in narrow


def test_a_line_never_ends_on_a_bare_connector() -> None:
    sentence = "Thu ngân sách đạt 9.878 tỷ đồng, tăng 5%; trong đó, thu nội địa đạt 4.798 tỷ đồng"
    lines = [sentence[w.start : w.end] for w in windows(sentence, split_clauses(sentence), 40)]
    assert not any(line.endswith("trong đó") for line in lines)
    assert "trong đó" not in lines
    assert "trong đó, thu nội địa đạt 4.798 tỷ đồng" in lines


def test_a_line_never_stops_inside_an_enumeration_of_figures() -> None:
    s = "có 01 VĐV thi đấu giải Karate Đông Nam Á giành 01 HCV, 01 HCB, 01 HCĐ; tổ chức tập huấn"
    lines = [s[w.start : w.end] for w in windows(s, split_clauses(s), 40)]
    assert "có 01 VĐV thi đấu giải Karate Đông Nam Á giành 01 HCV, 01 HCB, 01 HCĐ" in lines
    assert not any(line.endswith(("01 HCV", "01 HCB")) for line in lines)
    s = "có nơi treo băng rôn, khẩu hiệu còn chưa đúng quy cách, quy định"
    lines = [s[w.start : w.end] for w in windows(s, split_clauses(s), 40)]
    assert "khẩu hiệu còn chưa đúng quy cách, quy định" in lines
    assert not any(line.endswith("quy cách") for line in lines)


def test_a_line_never_ends_on_the_label_a_colon_opens() -> None:
    sentence = "tàu dài từ 12-15m: 207 tàu; chiều dài 6-12m: 358 tàu"
    lines = [sentence[w.start : w.end] for w in windows(sentence, split_clauses(sentence), 40)]
    assert "tàu dài từ 12-15m: 207 tàu; chiều dài 6-12m" not in lines
    assert "chiều dài 6-12m" not in lines
    assert "chiều dài 6-12m: 358 tàu" in lines


def test_a_long_parenthesis_is_cut_into_its_items() -> None:
    sentence = (
        "Năm 2022, nhiều chỉ số cải cách hành chính tăng bậc (Chỉ số năng lực cạnh tranh cấp tỉnh "
        "(PCI) xếp hạng 28/63 tỉnh, thành phố, tăng 19 bậc; Chỉ số cải cách hành chính (Par Index) "
        "xếp thứ 43/63 tỉnh, thành phố, tăng 07 bậc)."
    )
    texts = [sentence[a:b] for a, b in split_clauses(sentence)]
    assert "Chỉ số cải cách hành chính (Par Index) xếp thứ 43/63 tỉnh" in texts
    assert "Chỉ số năng lực cạnh tranh cấp tỉnh (PCI) xếp hạng 28/63 tỉnh" in texts
    assert "tăng 07 bậc" in texts


def test_quotes_are_never_cut() -> None:
    sentence = "Tiếp tục thực hiện chủ đề “Trách nhiệm, kỷ cương, tăng cường cải cách”, tạo đột phá"
    texts = [sentence[a:b] for a, b in split_clauses(sentence)]
    assert texts == [
        "Tiếp tục thực hiện chủ đề “Trách nhiệm, kỷ cương, tăng cường cải cách”",
        "tạo đột phá",
    ]


def test_an_ellipsis_ends_a_clause() -> None:
    # a scanned report runs two facts together with `...`; a code's `…)` is no break
    sentence = "khai khoáng tăng 7,7%... sản lượng thủy sản ước đạt 21,9 nghìn tấn (CT.08…)"
    assert [sentence[a:b] for a, b in split_clauses(sentence)] == [
        "khai khoáng tăng 7,7%",
        "sản lượng thủy sản ước đạt 21,9 nghìn tấn (CT.08…)",
    ]


def test_a_sentence_of_punctuation_only_has_no_clauses() -> None:
    # a report's `...` or ` - .` between sentences once stopped the index build
    assert split_clauses("...") == []
    assert split_clauses(" - .") == []
    text = "Thu ngân sách đạt 5 tỷ đồng. ... Xuất khẩu giảm 2%. - . Hết."
    assert [text[a:b] for a, b in passage_clauses(text)] == [
        "Thu ngân sách đạt 5 tỷ đồng",
        "Xuất khẩu giảm 2%",
        "Hết",
    ]


@given(st.text(alphabet=' ,;:.()-–“”"aàđ5\n', max_size=40))
def test_clauses_are_nonempty_spans_inside_the_sentence(sentence: str) -> None:
    spans = split_clauses(sentence)
    assert all(0 <= a < b <= len(sentence) for a, b in spans)
    assert [a for a, _ in spans] == sorted(a for a, _ in spans)


def test_ocr_damage_is_measured_in_invalid_syllables() -> None:
    assert invalid_share("kim ngạch xuất khẩu đạt 172 triệu USD") == 0.0
    assert invalid_share("kim ngạch xuầt khẩu đat 172 triệu USD") > 0.2


@pytest.mark.parametrize(
    ("answer", "source", "missing"),
    [
        ("thu 1234,5 tỷ đồng", "thu 1.234,5 tỷ đồng", []),
        ("thu 1234.5 tỷ đồng", "thu 1.234,5 tỷ đồng", []),
        ("GRDP 47,411 tỷ đồng", "GRDP ước đạt 47.411 tỷ đồng", []),
        ("tăng 8.3%", "tăng 8,3% so với cùng kỳ", []),
        ("tăng 8,5%", "tăng 8,3% so với cùng kỳ", ["8,5"]),
        ("năm 2024 đạt 12 tỷ", "năm 2023 đạt 12 tỷ", ["2024"]),
    ],
)
def test_numbers_compare_by_value(answer: str, source: str, missing: list[str]) -> None:
    assert unsupported_numbers(answer, source) == missing


def test_period_of_question_and_evidence() -> None:
    asked = period_of("thu ngân sách cả năm 2023 bao nhiêu")
    assert asked.span == "cả năm" and asked.years == {"2023"}
    nine_months = evidence_period("Thu ngân sách ước đạt 5.120 tỷ đồng", "Báo cáo 9 tháng năm 2023")
    assert neighbour(asked, nine_months)
    assert not neighbour(period_of("thu ngân sách 9 tháng 2023"), nine_months)
    january = evidence_period("Giá trị sản xuất công nghiệp tăng 9%", "Tình hình tháng 01 năm 2024")
    assert january.span == "tháng 1" and not january.plan
    assert period_of("kế hoạch năm 2024").plan


def test_an_answer_line_opening_with_a_period_is_for_it_unless_it_is_a_base() -> None:
    sentence = (
        "Năm 2023, vốn FDI ước đạt 80 triệu USD, tăng 5% so với 9 tháng năm 2022; "
        "riêng quý 4 đạt 20 triệu USD"
    )
    title = "Báo cáo 9 tháng năm 2023"
    for line, label in [
        ("tăng 5% so với 9 tháng năm 2022", "năm 2023"),  # the base of comparison
        ("riêng quý 4 đạt 20 triệu USD", "quý 4 năm 2023"),
        (sentence, "năm 2023"),
    ]:
        assert evidence_period(sentence, title, line=line).label() == label


def test_a_line_that_runs_past_a_semicolon_opens_where_an_item_opens() -> None:
    s = (
        "Đáp ứng nhu cầu đi lại, vận chuyển của người dân; doanh thu hoạt động vận tải ước "
        "đạt 6.095 tỷ đồng, tăng 14,9%; Năm 2023, thu ngân sách đạt 9.878 tỷ đồng; chi 4.000 tỷ"
    )
    lines = [s[w.start : w.end] for w in windows(s, split_clauses(s), 40)]
    assert "vận chuyển của người dân" in lines  # a part of an item is still a line
    inside = [line for line in lines if line.startswith(("vận chuyển", "tăng 14,9%"))]
    assert inside == ["vận chuyển của người dân", "tăng 14,9%"]  # neither runs past its `;`
    whole = "Đáp ứng nhu cầu đi lại, vận chuyển của người dân; doanh thu hoạt động vận tải"
    assert [line for line in lines if line.startswith(whole)]  # from the item's start
    assert "thu ngân sách đạt 9.878 tỷ đồng; chi 4.000 tỷ" in lines  # after a time: an item
    # an elaboration is no item either
    s = (
        "Du lịch lữ hành có xu hướng tăng cao, nhất là vào thời điểm mùa du lịch; tổng lượng "
        "khách du lịch ước đạt 585.000 lượt"
    )
    lines = [s[w.start : w.end] for w in windows(s, split_clauses(s), 40)]
    assert "nhất là vào thời điểm mùa du lịch" in lines
    assert "tổng lượng khách du lịch ước đạt 585.000 lượt" in lines
    assert not [line for line in lines if line.startswith("nhất là") and "585.000" in line]
    s = "Đẩy nhanh giải ngân, nhất là đối với các công trình, dự án trọng điểm"
    lines = [s[w.start : w.end] for w in windows(s, split_clauses(s), 40)]
    assert "nhất là đối với các công trình, dự án trọng điểm" in lines  # one elaboration
