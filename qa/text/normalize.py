"""Character-level normalisation of Vietnamese text (pure functions).

The text shown to users keeps the document's own spelling; `matching_form` is what search
compares: NFC, one tone-mark convention (`hoá`/`hóa` → `hóa`), one spelling of a lone final i/y
(`tỉ`/`tỷ` → `tỷ`), lower case. `fold_diacritics` gives the form a user types without
diacritics (`Hải Long` → `Hai Long`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from qa.text.syllable import is_valid_syllable, spelling_form

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]")


def nfc(text: str) -> str:
    """Unicode NFC: decomposed `ă` + combining marks become one code point, as typed."""
    return unicodedata.normalize("NFC", text)


def clean_text(text: str) -> str:
    """NFC, Unix newlines, odd spaces made plain, invisible and control characters dropped.

    Leading spaces are kept: the footnote splitter reads them. NFC comes last: dropping a
    character that sat between a letter and its mark (`e` ZWSP `◌́`) lets them compose, and
    cleaning a cleaned text must change nothing.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    return nfc(_CONTROL.sub("", text))


def fold_diacritics(text: str) -> str:
    """Strip every Vietnamese diacritic: `Khu công nghiệp Hải Long` → `Khu cong nghiep Hai Long`.

    Same as NFD → drop nonspacing marks (category Mn) → NFC; for Latin text (Vietnamese
    included) done as one `str.translate`: the composer folds every clause
    window of every question.
    """
    if text.isascii():
        return text
    if not _LATIN.fullmatch(text):  # other scripts (some marks are spacing): the long way
        decomposed = unicodedata.normalize("NFD", text)
        kept = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
        return unicodedata.normalize("NFC", kept.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", text.translate(_fold_table()))


def has_diacritics(text: str) -> bool:
    """True when the text carries any Vietnamese diacritic (so it was typed with them)."""
    return fold_diacritics(text) != text


# Latin (Vietnamese included), Greek, Cyrillic, combining marks, punctuation and symbols
_LATIN = re.compile("[\x00-\u052f\u1e00-\u1fff\u2000-\u2bff]*")


@cache
def _fold_table() -> dict[int, str | None]:
    """Each character whose decomposition is one character plus nonspacing marks → that
    character (`ệ` → `e`); nonspacing marks → nothing; `đ`/`Đ` (no decomposition) → d/D."""
    table: dict[int, str | None] = {ord("đ"): "d", ord("Đ"): "D"}
    for code in range(0x2C00):  # the blocks `_LATIN` admits
        char = chr(code)
        if unicodedata.category(char) == "Mn":
            table[code] = None
            continue
        parts = unicodedata.normalize("NFD", char)
        if len(parts) > 1 and all(unicodedata.category(p) == "Mn" for p in parts[1:]):
            table[code] = parts[0]
    return table


def matching_form(text: str) -> str:
    """What search compares: NFC, one tone-mark convention, one spelling of a lone final
    i/y, lower case (`Hoá` → `hóa`, `Tỉ lệ` → `tỷ lệ`)."""
    return spelling_form(clean_text(text)).lower()


def collapse_spaces(text: str) -> str:
    """Runs of white space become one space; used to compare spans across line wraps."""
    return re.sub(r"\s+", " ", text).strip()


def lost_marks(span: str, typed: str = "") -> bool:
    """Whether a text span that matches a word only once both are folded can be that word
    with its diacritics lost (`Thai Binh`, OCR's `xuầt`): every word of the span is bare or no
    Vietnamese syllable, or, given the word as `typed`, is that word's own at its place (`Thái
    Binh` is `thái bình` with one word's marks lost). `toàn` for `toán`, `để` for `dê`, are
    other words.

    >>> lost_marks("thai binh"), lost_marks("xuầt"), lost_marks("toàn")
    (True, True, False)
    >>> lost_marks("thái binh"), lost_marks("thái binh", "thái bình"), lost_marks("tháì", "thái")
    (False, True, True)
    """
    words = re.findall(r"[^\W_]+", span.lower())
    own = re.findall(r"[^\W_]+", typed.lower())
    if len(own) != len(words):  # not word for word: only bare or damaged words count
        own = [""] * len(words)
    return all(
        word == fold_diacritics(word) or not is_valid_syllable(word) or word == mine
        for word, mine in zip(words, own, strict=True)
    )
