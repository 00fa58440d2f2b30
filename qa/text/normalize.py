"""Character-level normalisation of Vietnamese text (pure functions).

The text shown to users keeps the document's own spelling; `matching_form` is what search
compares: NFC, one tone-mark convention (`hoá`/`hóa` → `hóa`), lower case. `fold_diacritics`
gives the form a user types without diacritics (`Hải Long` → `Hai Long`).
"""

from __future__ import annotations

import re
import unicodedata

from qa.text.syllable import normalize_tone_marks

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]")


# nonspacing marks of the Basic Multilingual Plane → removed; `đ`/`Đ` (no decomposition) → d/D
_FOLD_TABLE: dict[int, int | None] = {
    **{cp: None for cp in range(0x10000) if unicodedata.category(chr(cp)) == "Mn"},
    ord("đ"): ord("d"),
    ord("Đ"): ord("D"),
}


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

    Every nonspacing mark goes (category Mn), through one `str.translate` table: the
    composer folds thousands of clause windows per question.
    """
    decomposed = unicodedata.normalize("NFD", text)
    if decomposed.isascii():
        return decomposed
    stripped = decomposed.translate(_FOLD_TABLE)
    if any(ord(ch) > 0xFFFF for ch in stripped):  # marks beyond the table's plane
        stripped = "".join(ch for ch in stripped if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped)


def matching_form(text: str) -> str:
    """What search compares: NFC, one tone-mark convention, lower case (`Hoá` → `hóa`)."""
    return normalize_tone_marks(clean_text(text)).lower()


def collapse_spaces(text: str) -> str:
    """Runs of white space become one space; used to compare spans across line wraps."""
    return re.sub(r"\s+", " ", text).strip()
