"""Tests for qa/text/normalize.py: character clean-up and the forms search compares."""

from __future__ import annotations

import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from qa.text.normalize import clean_text, collapse_spaces, fold_diacritics, matching_form, nfc

# Real lines of the seed corpus.
LINE_000 = "Tổng sản phẩm trên địa bàn tỉnh (GRDP theo giá so sánh năm 2010) ước đạt "
LINE_000_THUY = (
    "Ban hành Chỉ thị tăng cường công tác quản lý bảo đảm an toàn công trình đê điều, thuỷ lợi"
)
LINE_003_HOA = (
    "tỉnh Thái Bình thực hiện công nghiệp hoá, hiện đại hoá với xuất phát điểm là tỉnh thuần nông"
)


def test_nfc_composes_decomposed_vietnamese() -> None:
    decomposed = unicodedata.normalize("NFD", LINE_000)
    assert decomposed != LINE_000
    assert nfc(decomposed) == LINE_000
    assert clean_text(decomposed) == LINE_000


def test_clean_text_makes_odd_spaces_plain_and_drops_invisibles() -> None:
    dirty = "Khu\u00a0công\u200b nghiệp\u2009Hải\ufeffLong\u00ad\x07"
    assert clean_text(dirty) == "Khu công nghiệp HảiLong"


def test_clean_text_unix_newlines_and_keeps_leading_spaces() -> None:
    # The footnote splitter reads the lead spaces of ` Giá trị sản xuất…` and `  GRDP tăng…`.
    text = "47.411 tỷ đồng\r\n Giá trị sản xuất\r  GRDP tăng 7,72%/ kế hoạch 11%\t"
    assert clean_text(text) == "47.411 tỷ đồng\n Giá trị sản xuất\n  GRDP tăng 7,72%/ kế hoạch 11% "


def test_clean_text_drops_control_characters_but_not_newlines() -> None:
    assert clean_text("a\x00b\x1bc\x7fd\x9fe\nf") == "abcde\nf"


def test_fold_diacritics_real_phrase() -> None:
    assert fold_diacritics("Khu công nghiệp Hải Long") == "Khu cong nghiep Hai Long"
    assert fold_diacritics("Đề án 06, đường điện") == "De an 06, duong dien"
    assert fold_diacritics(unicodedata.normalize("NFD", "thủy sản")) == "thuy san"


def test_matching_form_one_tone_convention() -> None:
    assert matching_form("hoá") == matching_form("hóa") == "hóa"
    assert matching_form("thuỷ") == matching_form("thủy") == "thủy"
    assert matching_form("Hoá") == "hóa"
    assert "công nghiệp hóa, hiện đại hóa" in matching_form(LINE_003_HOA)
    assert matching_form(LINE_000_THUY).endswith("đê điều, thủy lợi")


def test_matching_form_of_decomposed_text_equals_composed() -> None:
    assert matching_form(unicodedata.normalize("NFD", LINE_003_HOA)) == matching_form(LINE_003_HOA)


def test_collapse_spaces_across_line_wraps() -> None:
    assert collapse_spaces(" ước đạt \n\n47.411 tỷ đồng ") == "ước đạt 47.411 tỷ đồng"


@settings(max_examples=300)
@given(st.text())
@example("e\x01\u0301")  # a control character between a letter and its tone mark
@example("hoa\u200b\u0300")  # a zero-width space there
def test_clean_text_never_raises_and_is_idempotent(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once
    assert "\r" not in once
    assert unicodedata.is_normalized("NFC", once)


@settings(max_examples=300)
@given(st.text())
def test_matching_form_never_raises_and_is_idempotent(text: str) -> None:
    once = matching_form(text)
    assert matching_form(once) == once


@settings(max_examples=300)
@given(st.text())
def test_fold_diacritics_never_raises_and_is_idempotent(text: str) -> None:
    once = fold_diacritics(text)
    assert fold_diacritics(once) == once
    assert "đ" not in once and "Đ" not in once


@settings(max_examples=200)
@given(st.text(alphabet="aăâeêioôơuưyđAĂÂĐ \u0300\u0301\u0303\u0309\u0323"))
def test_fold_diacritics_leaves_plain_ascii_letters(text: str) -> None:
    folded = fold_diacritics(text)
    assert all(ord(ch) < 128 for ch in folded)
