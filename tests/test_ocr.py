"""Tests for OCR repair, on the damaged January 2024 report (corpus/002) and the clean files."""

from __future__ import annotations

import difflib
import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from qa.ingest.ocr import PairEvidence, count_invalid_syllables, looks_ocr_damaged, repair_ocr
from qa.ingest.ocr.evidence import WORD_BACKING
from qa.ingest.ocr.tokens import NUMBER_KEY
from qa.models import OcrReport
from qa.text.syllable import is_valid_syllable

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
CLEAN_PREFIXES = ("000_", "001_", "003_", "004_")
WORDS = re.compile(r"[^\W\d_]+")


def _read(prefix: str) -> str:
    (path,) = CORPUS.glob(f"{prefix}*.txt")
    return path.read_text(encoding="utf-8")


@cache
def clean_texts() -> tuple[str, ...]:
    return tuple(_read(prefix) for prefix in CLEAN_PREFIXES)


@cache
def evidence() -> PairEvidence:
    return PairEvidence.from_texts(clean_texts())


@cache
def damaged() -> str:
    return _read("002_")


@cache
def repaired_002() -> tuple[str, OcrReport]:
    return repair_ocr(damaged(), evidence())


def _changed_words(before: str, after: str) -> int:
    """Words of `before` that differ in `after` (both keep their lines and word order)."""
    old, new = WORDS.findall(before), WORDS.findall(after)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return sum(
        max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"
    )


# --- single damaged lines from corpus/002, repaired with the clean evidence ----------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "khai thác ứiủy sản ổn định^; cổng tác tiêm vắc xin, giám sát, kiêm soát dịch bệnh",
            "khai thác thủy sản ổn định; công tác tiêm vắc xin, giám sát, kiểm soát dịch bệnh",
        ),
        (
            "hoạch mở rộng mô hình phát ừiển nông nghiệp; phân bổ 75 tỷ đồng thưởng cho 25",
            "hoạch mở rộng mô hình phát triển nông nghiệp; phân bổ 75 tỷ đồng thưởng cho 25",
        ),
        (
            "quản lý, bảo vệ và phát íxiển rừng năm 2024. Hoàn thiện ứiủ tục công nhận các xã",
            "quản lý, bảo vệ và phát triển rừng năm 2024. Hoàn thiện thủ tục công nhận các xã",
        ),
        (
            "nguyên và môi tmờng năm 2024. Chỉ đạo tăng cường công tác quản lý khai thác cát;",
            "nguyên và môi trường năm 2024. Chỉ đạo tăng cường công tác quản lý khai thác cát;",
        ),
        (
            "nước sạch phục vụ nhân dân trong mùa khô và dịp Têt Nguyên đán. Chủ động ừiên",
            "nước sạch phục vụ nhân dân trong mùa khô và dịp Tết Nguyên đán. Chủ động triển",
        ),
        (
            'trồng cây đời đời nhớ ơn Bác Hồ" lửiân dịp Xuân Giáp Thìn và tăng cường công tác',
            'trồng cây đời đời nhớ ơn Bác Hồ" nhân dịp Xuân Giáp Thìn và tăng cường công tác',
        ),
        (
            "đông, tăng 8,1% ; chỉ số giá tiêu dùng bình quân tăng 2,9%; kim ngạch xuầt Miau đat",
            "đông, tăng 8,1% ; chỉ số giá tiêu dùng bình quân tăng 2,9%; kim ngạch xuất khẩu đạt",
        ),
        (
            "172 triệu USD, giảm 1,5%; kim ngạch nhập khẩu đạt 147 triệu ŨSD, tăng 4 2%-",
            "172 triệu USD, giảm 1,5%; kim ngạch nhập khẩu đạt 147 triệu USD, tăng 4 2%-",
        ),
        (
            "thôn mới nâng cao đang hoàn thiện hồ sơ trìnli UBND tỉnh công nhận.",
            "thôn mới nâng cao đang hoàn thiện hồ sơ trình UBND tỉnh công nhận.",
        ),
        (
            "09 xã đã đirợc Đoàn thẩm định cấp tinh thẩm định xã đạt chuẩn nông",
            "09 xã đã đirợc Đoàn thẩm định cấp tỉnh thẩm định xã đạt chuẩn nông",
        ),
    ],
)
def test_repairs_real_lines(line: str, expected: str) -> None:
    repaired, report = repair_ocr(line, evidence())
    assert repaired == expected
    assert report.invalid_after < report.invalid_before or report.repaired > 0


@pytest.mark.parametrize(
    ("damaged_part", "repaired_part"),
    [
        ("khai thác ứiủy sản ổn định", "khai thác thủy sản ổn định"),
        ("phát ừiển nông nghiệp", "phát triển nông nghiệp"),
        ("được ƯBND tỉnh phê duyệt", "được UBND tỉnh phê duyệt"),
        ("hội đồng thẩm định cấp tinh công nhận", "hội đồng thẩm định cấp tỉnh công nhận"),
        ("21,9 nghìn tân, tăng", "21,9 nghìn tấn, tăng"),
        ("lận tìiưomg mại và hàng giả", "lận thương mại và hàng giả"),
        ("Tổng mức bán lẻ hàng hóa và doanli thu", "Tổng mức bán lẻ hàng hóa và doanh thu"),
        ("Hội đồng nhân dân tinìi về phát", "Hội đồng nhân dân tỉnh về phát"),
        ('Phát động "Tet', 'Phát động "Tết'),
        ("cho lứiân dân đón Tet.", "cho nhân dân đón Tết."),
        ("ừọng điểm", "trọng điểm"),
        ("Toàn tỉnh cỏ 692", "Toàn tỉnh có 692"),
        ("86,9% cùng kỳl Tong chi", "86,9% cùng kỳ. T"),  # a full stop read as `l`
        ("ky kuih doanh cho 105", "ký kinh doanh cho 105"),
        ("trên địa bàií tỉnh", "trên địa bàn tỉnh"),
        ("tổng số km là 1.316,158 km;", "tổng số km là 1.316,158 km;"),  # a unit, not damage
    ],
)
def test_repairs_in_the_whole_report(damaged_part: str, repaired_part: str) -> None:
    source = damaged()
    assert damaged_part in source
    line_number = next(i for i, line in enumerate(source.splitlines()) if damaged_part in line)
    repaired_line = repaired_002()[0].splitlines()[line_number]
    assert repaired_part in repaired_line


def test_whole_report_loses_two_thirds_of_its_invalid_syllables() -> None:
    repaired, report = repaired_002()
    assert report.syllables > 3000
    assert report.invalid_before > 250
    assert report.invalid_after * 3 <= report.invalid_before
    assert count_invalid_syllables(repaired) == (
        count_invalid_syllables(repaired)[0],
        report.invalid_after,
    )
    assert report.remaining == tuple(sorted(set(report.remaining)))
    assert 0 < len(report.remaining) <= report.invalid_after
    assert report.repaired >= report.invalid_before - report.invalid_after


def test_whole_report_keeps_its_layout_and_is_stable() -> None:
    repaired, _ = repaired_002()
    source = damaged()
    assert repaired.count("\n") == source.count("\n")
    again, report = repair_ocr(repaired, evidence())
    assert again == repaired
    assert report.repaired == 0


def test_replacements_are_valid_syllables() -> None:
    repaired, _ = repaired_002()
    old_words = set(WORDS.findall(damaged()))
    for word in WORDS.findall(repaired):
        if word not in old_words:
            assert is_valid_syllable(word) or word.isupper(), word


def test_without_evidence_the_text_is_its_own_evidence() -> None:
    repaired, report = repair_ocr(damaged())
    assert report.invalid_after < report.invalid_before / 2
    assert repaired.count("\n") == damaged().count("\n")


# --- clean files ---------------------------------------------------------------------------


@pytest.mark.parametrize("index", range(len(CLEAN_PREFIXES)))
def test_clean_files_are_left_alone(index: int) -> None:
    text = clean_texts()[index]
    others = clean_texts()[:index] + clean_texts()[index + 1 :]
    total = len(WORDS.findall(text))
    for used in (evidence(), PairEvidence.from_texts(others)):  # with and without itself
        repaired, report = repair_ocr(text, used)
        assert _changed_words(text, repaired) <= 0.002 * total
        assert report.invalid_after <= report.invalid_before
        assert repaired.count("\n") == text.count("\n")


def test_damage_detection() -> None:
    assert looks_ocr_damaged(damaged())
    for text in clean_texts():
        assert not looks_ocr_damaged(text)
    total, invalid = count_invalid_syllables(damaged())
    assert invalid / total > 0.05


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ƯBND tỉnh", (2, 1)),  # ƯBND is damage, not an abbreviation
        ("UBND tỉnh", (1, 0)),  # UBND is an abbreviation: not judged
        ("dây 500kV Nhà máy", (3, 0)),  # a word with digits is not judged
        ("khai thác ứiủy sản", (4, 1)),
        ("môi tmờng", (2, 1)),
        ("", (0, 0)),
    ],
)
def test_count_invalid_syllables(text: str, expected: tuple[int, int]) -> None:
    assert count_invalid_syllables(text) == expected


# --- evidence ------------------------------------------------------------------------------


def test_pair_evidence_counts() -> None:
    found = PairEvidence.from_texts(["Công nghiệp hoá, hiện đại hóa.", "Hiện đại hoá nông thôn"])
    assert found.count("hóa") == 3  # "hoá" and "hóa" are one syllable
    assert found.count("hiện") == 2  # case-folded
    assert found.pair_count("hiện", "đại") == 2
    assert found.pair_count("hóa", "hiện") == 0  # a comma separates them
    assert found.pair_count("hóa", "nông") == 1
    assert ("hóa", 3) in found.variants["hoa"]


def test_pair_fix_needs_strong_evidence() -> None:
    line = "đã đirợc Đoàn thẩm định cấp tinh thẩm định"
    weak = PairEvidence.from_texts(["cấp tỉnh", "cấp tỉnh", "được"])
    assert "cấp tinh" in repair_ocr(line, weak)[0]  # seen twice only
    strong = PairEvidence.from_texts(["cấp tỉnh. " * 3 + "được"])
    assert "cấp tỉnh" in repair_ocr(line, strong)[0]
    seen = PairEvidence.from_texts(["cấp tỉnh. " * 3 + "được, cấp tinh"])
    assert "cấp tinh" in repair_ocr(line, seen)[0]  # the pair itself occurs: leave it


def test_a_dictionary_word_backs_a_pair_seen_once() -> None:
    line = "đã đirợc Đoàn phê duyệt tài liêu giáo dục"
    reference = ["phê duyệt tài liệu, được"]
    assert "tài liêu" in repair_ocr(line, PairEvidence.from_texts(reference))[0]  # once only
    backed = PairEvidence.from_texts(reference, ["tài liệu", "giáo dục"])
    assert backed.words == {("tài", "liệu")}  # "giáo dục" is no pair of the reference
    assert backed.backing(("tài", "liệu")) == 1 + WORD_BACKING
    assert "tài liệu giáo dục" in repair_ocr(line, backed)[0]
    unseen = PairEvidence.from_texts(["được"], ["tài liệu"])
    assert not unseen.words and "tài liêu" in repair_ocr(line, unseen)[0]


def test_a_number_is_a_neighbour_for_pair_fixes() -> None:
    line = "đã đirợc Đoàn sản lượng tâng 3% so với cùng kỳ"
    reference = ["Doanh thu tăng 5%, tăng 7,2%, tăng 12%, được"]
    before_numbers = PairEvidence.from_texts(reference)
    assert before_numbers.pair_count("tăng", NUMBER_KEY) == 3  # `7,2`: `2` follows a comma
    assert before_numbers.pair_count(NUMBER_KEY, NUMBER_KEY) == 0
    assert "sản lượng tăng 3% so" in repair_ocr(line, before_numbers)[0]
    elsewhere = PairEvidence.from_texts(["tăng trưởng, tăng thu, tăng cao, được"])
    assert "tâng 3%" in repair_ocr(line, elsewhere)[0]  # nothing says `tăng` comes before one


def test_a_full_stop_read_as_l_is_mended() -> None:
    reference = PairEvidence.from_texts(["cùng kỳ, tổng chi, được"])
    damage = "đã đirợc Đoàn"  # the text must look OCR'd for valid-looking damage to be mended
    assert "cùng kỳ. Tổng chi" in repair_ocr(f"{damage} cùng kỳl Tổng chi", reference)[0]
    assert "kỳl tổng" in repair_ocr(f"{damage} cùng kỳl tổng chi", reference)[0]  # no capital
    assert "Paul Smith" in repair_ocr(f"{damage} Paul Smith", reference)[0]  # `pau` unseen


def test_no_good_candidate_leaves_the_word() -> None:
    repaired, report = repair_ocr("vexựly xyzq tỉnh", evidence())
    assert repaired == "vexựly xyzq tỉnh"
    assert report.remaining == ("vexựly", "xyzq")


def test_stray_markers_are_dropped() -> None:
    repaired, _ = repair_ocr("cây vụ Đông^; trồng được", evidence())
    assert repaired == "cây vụ Đông; trồng được"


# --- properties ----------------------------------------------------------------------------

_DAMAGE_ALPHABET = st.sampled_from(
    [
        *"aăâeêioôơuưyđbcdghklmnpqrstvx ^'-\n.,;",
        *("ừ", "ữ", "ứi", "ìi", "li", "rn", "Ư", "Ị", "M", "á", "ộ", "ẽ", "1", "\r\n", "\u2028"),
    ]
)


@given(st.lists(_DAMAGE_ALPHABET, max_size=80).map("".join))
@example("đ^ă")  # a stray mark joined two letters into one invalid word
@settings(max_examples=150)
def test_repair_never_raises_and_keeps_lines(text: str) -> None:
    repaired, report = repair_ocr(text, evidence())
    assert len(repaired.splitlines()) == len(text.splitlines())
    assert report.invalid_after <= report.syllables


@given(st.text(max_size=60))
@settings(max_examples=150)
def test_repair_never_raises_on_any_text(text: str) -> None:
    repaired, _ = repair_ocr(text, evidence())
    assert len(repaired.splitlines()) == len(text.splitlines())


@given(st.lists(st.sampled_from(damaged().splitlines()), min_size=1, max_size=4))
@settings(max_examples=40)
def test_repair_is_idempotent_on_report_lines(lines: list[str]) -> None:
    once, _ = repair_ocr("\n".join(lines), evidence())
    twice, _ = repair_ocr(once, evidence())
    assert twice == once
