"""Segmentation, abbreviations, numbers/codes and diacritic folding on seed phrases."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.errors import ConfigError
from qa.index.segment import Lexicon, Segmenter
from qa.text.diacritics import DiacriticRestorer
from qa.text.normalize import has_diacritics


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter()


def test_multi_syllable_words_are_joined(segmenter: Segmenter) -> None:
    terms = segmenter.terms("Tiến độ triển khai các dự án Khu công nghiệp Hải Long")
    assert "tiến_độ" in terms
    assert "hải_long" in terms


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("tiến độ KCN Hải Long", "tiến độ Khu công nghiệp Hải Long"),
        ("Ban Quản lý KKT", "Ban Quản lý Khu kinh tế"),
        ("UBND tỉnh", "Ủy ban nhân dân tỉnh"),
        ("HĐND tỉnh khóa XVII", "Hội đồng nhân dân tỉnh khóa XVII"),
        ("công tác GPMB", "công tác giải phóng mặt bằng"),
        ("xây dựng NTM nâng cao", "xây dựng nông thôn mới nâng cao"),
        ("kết luận thanh tra của Bộ KH&ĐT", "kết luận thanh tra của Bộ Kế hoạch và Đầu tư"),
        ("Bộ KHĐT đã trình", "Bộ Kế hoạch và Đầu tư đã trình"),
        ("Sở TN&MT", "Sở Tài nguyên và Môi trường"),
        ("Sở VH,TT&DL", "Sở Văn hóa, Thể thao và Du lịch"),
        ("sắp xếp ĐVHC cấp xã", "sắp xếp đơn vị hành chính cấp xã"),
        (
            "cải thiện MTKD, nâng cao NLCT",
            "cải thiện môi trường kinh doanh, nâng cao năng lực cạnh tranh",
        ),
        ("tình hình KT-XH năm 2023", "tình hình kinh tế - xã hội năm 2023"),
        ("giấy chứng nhận ĐKKD", "giấy chứng nhận đăng ký kinh doanh"),
        (
            "đạt 02 HCV, 01 HCB, 01 HCĐ",
            "đạt 02 huy chương vàng, 01 huy chương bạc, 01 huy chương đồng",
        ),
    ],
)
def test_abbreviation_and_long_form_give_the_same_terms(
    segmenter: Segmenter, short: str, long: str
) -> None:
    assert segmenter.terms(short) == segmenter.terms(long)
    assert segmenter.folded_terms(short) == segmenter.folded_terms(long)


@pytest.mark.parametrize(
    "code", ["47.411", "7,72%", "29-nq/tw", "1004/qđ-ttg", "ql.37", "256-kl/tu", "2021-2025"]
)
def test_numbers_and_codes_stay_whole(segmenter: Segmenter, code: str) -> None:
    text = (
        "GRDP ước đạt 47.411 tỷ đồng, tăng 7,72%; Nghị quyết số 29-NQ/TW; Quyết định số "
        "1004/QĐ-TTg; nâng cấp QL.37; Kết luận số 256-KL/TU; giai đoạn 2021-2025"
    )
    assert code in segmenter.terms(text)


def test_meaning_bearing_words_are_not_stopwords(segmenter: Segmenter) -> None:
    terms = segmenter.terms("không xảy ra dịch bệnh năm 2023")
    assert "không" in terms
    assert "2023" in terms
    assert "và" not in segmenter.terms("lúa và ngô")


def test_tone_mark_conventions_match(segmenter: Segmenter) -> None:
    assert segmenter.terms("công nghiệp hoá, thuỷ sản") == segmenter.terms(
        "công nghiệp hóa, thủy sản"
    )


def test_either_spelling_of_a_final_i_or_y_gives_the_same_terms(segmenter: Segmenter) -> None:
    printed = "tỷ lệ lao động qua đào tạo, kỹ thuật, liệt sỹ"
    typed = "tỉ lệ lao động qua đào tạo, kĩ thuật, liệt sĩ"
    assert segmenter.terms(typed) == segmenter.terms(printed)
    assert segmenter.folded_terms(typed) == segmenter.folded_terms(printed)


@pytest.mark.parametrize(
    ("text", "name", "word"),
    [
        ("Chỉ số PAPI năm 2022 của Thái Bình xếp thứ mấy?", "thái_bình", "xếp"),
        ("GRDP của Thái Bình ước đạt bao nhiêu", "thái_bình", "ước"),
        ("tỉnh Thái Bình định nâng khả năng khám chữa bệnh", "thái_bình", "định"),
        ("Tháng 1/2024 tỉnh Hà Nam thu ngân sách", "hà_nam", "thu"),
        ("huyện Vũ Thư đi đầu trong phong trào", "vũ_thư", "đi"),
    ],
)
def test_a_name_is_cut_from_the_word_run_into_it(
    segmenter: Segmenter, text: str, name: str, word: str
) -> None:
    terms = segmenter.terms(text)
    assert name in terms
    assert word in terms


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("dịp Tết Nguyên đán Giáp Thìn", "tết_nguyên_đán"),
        ("thành lập Ban Chỉ đạo tỉnh", "ban_chỉ_đạo"),
        ("Tổng Công ty nhà đất", "tổng_công_ty"),
        ("Tổng Thanh tra Chính phủ", "tổng_thanh_tra"),
    ],
)
def test_a_capitalised_word_is_not_cut(segmenter: Segmenter, text: str, word: str) -> None:
    assert word in segmenter.terms(text)


def test_folded_terms_match_text_typed_without_diacritics(segmenter: Segmenter) -> None:
    accented = set(segmenter.folded_terms("Khu công nghiệp Hải Long"))
    typed = set(segmenter.folded_terms("khu cong nghiep hai long"))
    assert typed == accented
    assert "hai_long" in typed


def test_ocr_text_that_lost_diacritics_still_shares_folded_terms(segmenter: Segmenter) -> None:
    assert "cap_tinh" in segmenter.folded_terms("Đoàn thẩm định cấp tinh")
    assert "cap_tinh" in segmenter.folded_terms("cấp tỉnh")


def test_expand_abbreviations_for_the_embedder(segmenter: Segmenter) -> None:
    assert segmenter.expand_abbreviations("tiến độ KCN Hải Long") == (
        "tiến độ KCN (khu công nghiệp) Hải Long"
    )


def test_diacritics_restored_from_corpus_spelling() -> None:
    restorer = DiacriticRestorer.from_texts(
        ["Đẩy nhanh tiến độ triển khai Khu công nghiệp Hải Long và khu công nghiệp VSIP."]
    )
    assert restorer.restore("tien do khu cong nghiep Hai Long") == (
        "tiến độ khu công nghiệp Hải Long"
    )
    assert has_diacritics("tiến độ") and not has_diacritics("tien do")


def test_restoration_uses_context_and_keeps_case() -> None:
    restorer = DiacriticRestorer.from_texts(
        [
            "Tổng đàn lợn ước đạt 712,6 nghìn con. Tổng đàn lợn tăng 2,9%.",
            "Dân số lớn, quy mô lớn, thị trường lớn, công trình lớn.",
            "Quyết định số 1004/QĐ-TTg của Thủ tướng.",
        ]
    )
    assert restorer.restore("tong dan lon") == "tổng đàn lợn"
    assert restorer.restore("quy mo lon") == "quy mô lớn"
    assert restorer.restore("Quyet dinh 1004/QD-TTg") == "Quyết định 1004/QĐ-TTg"
    assert restorer.restore("GRDP tang bao nhieu?") == "GRDP tăng bao nhiêu?"


def test_lower_case_abbreviations_expand_for_the_embedder(segmenter: Segmenter) -> None:
    assert segmenter.expand_abbreviations("grdp năm 2023") == (
        "grdp (tổng sản phẩm trên địa bàn) năm 2023"
    )
    assert segmenter.expand_abbreviations("tổng đàn lợn") == "tổng đàn lợn"


def test_remembered_terms_are_the_same_and_a_callers_change_does_not_leak() -> None:
    segmenter = Segmenter()
    question = "tiến độ Khu công nghiệp Hải Long"
    first = segmenter.terms(question)
    first.append("rác")
    assert segmenter.terms(question) == Segmenter().terms(question) == first[:-1]
    long_text = " ".join([question] * 20)  # beyond what is remembered: segmented each time
    assert segmenter.terms(long_text) == Segmenter().terms(long_text)


def test_a_corpus_marks_its_own_indicator_abbreviations(tmp_path: Path) -> None:
    extra = tmp_path / "abbreviations.toml"
    extra.write_text('[indicators]\n"CPI" = ["chỉ số giá tiêu dùng"]\n', encoding="utf-8")
    lexicon = Lexicon.load(extra)
    assert {"CPI", "GRDP"} <= lexicon.indicators and "KCN" not in lexicon.indicators
    assert lexicon.abbreviations["CPI"] == ("chỉ số giá tiêu dùng",)  # still an abbreviation
    assert Lexicon.from_json(lexicon.to_json()) == lexicon  # the index keeps which they are


def test_an_abbreviation_file_of_the_wrong_shape_is_a_config_error(tmp_path: Path) -> None:
    extra = tmp_path / "abbreviations.toml"
    extra.write_text('[indicators]\n"CPI" = "chỉ số giá tiêu dùng"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[indicators\] must give each abbreviation a list"):
        Lexicon.load(extra)
