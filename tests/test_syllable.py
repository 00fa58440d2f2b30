"""Tests for the Vietnamese syllable model, with words and lines taken from the corpus."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.text.syllable import (
    Syllable,
    is_valid_syllable,
    normalize_tone_marks,
    parse_syllable,
    place_tone,
    spelling_form,
    split_tone,
)

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
CLEAN_FILES = ("000_", "001_", "003_", "004_")
RUN = re.compile(r"[^\W\d_]+")


def _clean_texts() -> list[str]:
    texts = []
    for prefix in CLEAN_FILES:
        (path,) = CORPUS.glob(f"{prefix}*.txt")
        texts.append(path.read_text(encoding="utf-8"))
    return texts


def _clean_lowercase_tokens() -> list[str]:
    return [w for text in _clean_texts() for w in RUN.findall(text) if w == w.lower()]


# A real line from corpus/000: every syllable in it is valid.
LINE_000 = "năng suất lúa đạt cao, hoạt động chăn nuôi phát triển tốt, sản lượng thủy sản tăng."


@pytest.mark.parametrize(
    ("syllable", "expected"),
    [
        ("Quyết", ("Quyêt", 2)),
        ("hoà", ("hoa", 1)),
        ("đường", ("đương", 1)),
        ("an", ("an", 0)),
        ("Ủy", ("Uy", 3)),
        ("nghĩa", ("nghia", 4)),
        ("ĐỘNG", ("ĐÔNG", 5)),
        ("hoá", ("hoa", 2)),
    ],
)
def test_split_tone(syllable: str, expected: tuple[str, int]) -> None:
    assert split_tone(syllable) == expected


def test_split_tone_accepts_decomposed_input() -> None:
    assert split_tone(unicodedata.normalize("NFD", "triển")) == ("triên", 3)


@pytest.mark.parametrize(
    "word",
    [
        # from corpus/000 and /003
        "nghiệp",
        "triển",
        "thủy",
        "trường",
        "Nguyễn",
        "quyết",
        "khuyến",
        "giữ",
        "giá",
        "gì",
        "giếng",
        "hóa",
        "hoá",
        "ủy",
        "Ủy",
        "tỉnh",
        "xoong",
        "soóc",
        "ơi",
        "tuổi",
        "rượu",
        "ngoài",
        "xuyên",
        "khuya",
        "nghiêng",
        "kìa",
        "của",
        "quốc",
        "a",
        "ở",
        "ý",
        "ĐỒNG",
    ],
)
def test_valid_syllables(word: str) -> None:
    assert is_valid_syllable(word), word


@pytest.mark.parametrize(
    "word",
    [
        # OCR damage from corpus/002
        "ứiủy",
        "tìiưomg",
        "tmờng",
        "ừiển",
        "trìnli",
        "doanli",
        "tinìi",
        "lửiân",
        "ƯBND",
        # spelling rules
        "tiêp",  # stop coda needs sắc or nặng
        "câp",
        "kan",  # k only before i e ê y
        "ghà",  # gh only before i e ê
        "ci",  # c never before i e ê y
        "ngè",
        "quu",  # qu already carries the glide
        "ach",  # a stop coda without sắc/nặng
        "ech",  # ch only after a ê i
        "gía",  # tone on the onset "gi"
        "hoaì",  # tone on a final glide
        "",
        "th",
        "kinhf",
    ],
)
def test_invalid_syllables(word: str) -> None:
    assert not is_valid_syllable(word), word


def test_parse_parts() -> None:
    assert parse_syllable("Nguyễn") == Syllable("ng", "u", "yê", "n", 4, 3)
    assert parse_syllable("hoàng") == Syllable("h", "o", "a", "ng", 1, 2)
    assert parse_syllable("quyết") == Syllable("qu", "", "yê", "t", 2, 2)
    assert parse_syllable("gìn") == Syllable("gi", "", "i", "n", 1, 1)
    assert parse_syllable("giữ") == Syllable("gi", "", "ư", "", 4, 2)
    parsed = parse_syllable("Thủy")
    assert parsed is not None
    assert parsed.tone_name == "hỏi"


@pytest.mark.parametrize(
    ("given_form", "expected"),
    [
        ("hoá", "hóa"),
        ("hoà", "hòa"),
        ("thuỷ", "thủy"),
        ("khoẻ", "khỏe"),
        ("tuỳ", "tùy"),
        ("uỷ", "ủy"),
        ("Hoá", "Hóa"),
        ("HOÁ", "HÓA"),
        ("hoàng", "hoàng"),
        ("hòang", "hoàng"),
        ("quyết", "quyết"),
        ("xuyên", "xuyên"),
        ("thuyền", "thuyền"),
        ("quý", "quý"),
        ("quỳnh", "quỳnh"),
        ("giữ", "giữ"),
        ("giá", "giá"),
        ("mía", "mía"),
        ("mùa", "mùa"),
        ("mưa", "mưa"),
        ("tiếng", "tiếng"),
        ("trường", "trường"),
        ("ngoài", "ngoài"),
        ("ứiủy", "ứiủy"),  # not a syllable: unchanged
        ("tmờng", "tmờng"),
    ],
)
def test_place_tone(given_form: str, expected: str) -> None:
    assert place_tone(given_form) == expected
    assert place_tone(expected) == expected


def test_normalize_tone_marks_on_text() -> None:
    text = "Đẩy mạnh công nghiệp hoá, hiện đại hoá; Uỷ ban nhân dân; thuỷ sản (ƯBND) 2024!"
    assert normalize_tone_marks(text) == (
        "Đẩy mạnh công nghiệp hóa, hiện đại hóa; Ủy ban nhân dân; thủy sản (ƯBND) 2024!"
    )
    assert normalize_tone_marks(LINE_000) == LINE_000


def test_normalize_tone_marks_composes_nfd() -> None:
    assert normalize_tone_marks(unicodedata.normalize("NFD", "hoá")) == "hóa"


def test_clean_corpus_syllables_parse() -> None:
    tokens = _clean_lowercase_tokens()
    assert len(tokens) > 30_000
    bad = [w for w in tokens if not is_valid_syllable(w)]
    assert len(bad) / len(tokens) <= 0.005, sorted(set(bad))


def test_clean_corpus_is_stable_under_normalisation() -> None:
    for text in _clean_texts():
        normalised = normalize_tone_marks(text)
        assert len(normalised) == len(text)
        assert normalize_tone_marks(normalised) == normalised
        changed = sum(a != b for a, b in zip(text, normalised, strict=True))
        assert changed < 0.01 * len(text)


@given(st.text())
@settings(max_examples=300)
def test_normalize_never_raises_and_is_idempotent(text: str) -> None:
    once = normalize_tone_marks(text)
    assert normalize_tone_marks(once) == once


_SYLLABLES = sorted(
    set(RUN.findall(LINE_000.lower()))
    | {"hoá", "thuỷ", "khoẻ", "tuỳ", "uỷ", "tỉ", "kĩ", "sỹ", "quí"}
)
_TONES = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")


@st.composite
def _vietnamese_word(draw: st.DrawFn) -> str:
    """A corpus syllable, maybe re-toned with the mark on any of its vowels (either style)."""
    word = draw(st.sampled_from(_SYLLABLES))
    base, _ = split_tone(word)
    vowels = [i for i, ch in enumerate(base) if ch in "aăâeêioôơuưy"]
    if not vowels or not draw(st.booleans()):
        return word
    at = draw(st.sampled_from(vowels))
    mark = draw(st.sampled_from(_TONES))
    toned = base[:at] + unicodedata.normalize("NFC", base[at] + mark) + base[at + 1 :]
    return toned.upper() if draw(st.booleans()) else toned


@given(st.lists(_vietnamese_word(), min_size=1, max_size=12), st.sampled_from([" ", ", ", "\n"]))
@settings(max_examples=300)
def test_normalize_preserves_length_on_vietnamese(words: list[str], sep: str) -> None:
    text = sep.join(words)
    once = normalize_tone_marks(text)
    assert len(once) == len(unicodedata.normalize("NFC", text))
    assert normalize_tone_marks(once) == once
    for before, after in zip(RUN.findall(text), RUN.findall(once), strict=True):
        assert split_tone(before) == split_tone(after) or not is_valid_syllable(before)


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("tỉ lệ", "tỷ lệ"),
        ("kĩ thuật", "kỹ thuật"),
        ("lí do", "lý do"),
        ("Mĩ", "Mỹ"),
        ("hi vọng", "hy vọng"),
        ("quí IV", "quý IV"),
        ("TỈ LỆ", "TỶ LỆ"),
        ("ti le", "ty le"),
        ("bác sỹ", "bác sĩ"),
    ],
)
def test_a_lone_final_i_or_y_reads_one_way(typed: str, printed: str) -> None:
    assert spelling_form(typed) == spelling_form(printed)


@pytest.mark.parametrize("word", ["thi", "khi", "chi", "nhi", "ý", "y", "tin", "kim", "lít", "suy"])
def test_other_i_and_y_stay(word: str) -> None:
    assert spelling_form(word) == normalize_tone_marks(word)


@given(st.text())
@settings(max_examples=300)
def test_spelling_form_never_raises_and_is_idempotent(text: str) -> None:
    once = spelling_form(text)
    assert spelling_form(once) == once


@given(st.lists(_vietnamese_word(), min_size=1, max_size=12), st.sampled_from([" ", ", ", "\n"]))
@settings(max_examples=300)
def test_spelling_form_keeps_the_length_of_vietnamese(words: list[str], sep: str) -> None:
    text = sep.join(words)
    assert len(spelling_form(text)) == len(unicodedata.normalize("NFC", text))
