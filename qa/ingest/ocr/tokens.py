"""Words of a possibly OCR-damaged text, judged as syllable, abbreviation, damage or other.

Why: the share of invalid syllables is how damage is told from clean typing ("tmờng" cannot be
Vietnamese), and the same tokens feed the evidence counts and the repair.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from qa.text.syllable import parse_syllable, place_tone

DAMAGE_THRESHOLD = 0.015  # share of invalid syllables above which a text is treated as OCR'd
# How a number (`3` of `tăng 3%`, `2024` of `năm 2024`) is counted in a pair with a syllable:
# "tâng 3%" and "băng 86,5%" are damage because clean text writes "tăng"/"bằng" before numbers
NUMBER_KEY = "<số>"
_WORD = re.compile(r"[^\W_]+")  # letters and digits; a run with a digit is a code or a number


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    base = base.replace("đ", "d").replace("Đ", "D").lower()
    if len(base) == 1:
        return base
    return ch.lower() if len(ch.lower()) == 1 else ch


def fold(word: str) -> str:
    """The word without any diacritic, lower-case, same length: "Trường" → "truong"."""
    return "".join(_fold_char(ch) for ch in word)


def _is_abbreviation(token: str) -> bool:
    """Capitals A–Z and Đ only, ≥2 letters, not a syllable: UBND, HĐND, GRDP; not ƯBND, ĐỒNG."""
    if len(token) < 2 or parse_syllable(token) is not None:
        return False
    return all("A" <= ch <= "Z" or ch == "Đ" for ch in token)


def is_number(word: str) -> bool:
    """ASCII digits only: `2024`, the `86` of `86,5%` (not `500kV`, not a footnote's `¹`)."""
    return word.isascii() and word.isdigit()


def syllable_key(token: str) -> str:
    """How a syllable is counted: lower-case, tone mark in the traditional place."""
    return place_tone(token.lower())


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    kind: str  # "syllable", "abbreviation", "invalid", "other" (numbers, codes, single letters)
    joined_left: bool  # only white space separates it from the previous token


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    previous_end = -1
    for match in _WORD.finditer(text):
        word = match.group(0)
        if any(ch.isdigit() for ch in word):
            kind = "other"
        elif parse_syllable(word) is not None:
            kind = "syllable"
        elif _is_abbreviation(word):
            kind = "abbreviation"
        elif len(word) == 1:
            kind = "other"  # list letters "a)", units "m", initials: not judged
        else:
            kind = "invalid"
        joined = previous_end >= 0 and text[previous_end : match.start()].isspace()
        tokens.append(Token(match.start(), match.end(), word, kind, joined))
        previous_end = match.end()
    return tokens


def count_invalid_syllables(text: str) -> tuple[int, int]:
    """(alphabetic syllables, invalid ones) in `text`.

    Why: the share of invalid syllables tells OCR damage apart from clean typing ("tmờng" cannot
    be Vietnamese). Abbreviations (UBND, KCN, GRDP), words with digits (500kV) and single
    letters (list markers, units) are not judged; "ƯBND" is not an abbreviation but damage.
    """
    tokens = tokenize(unicodedata.normalize("NFC", text))
    judged = [t for t in tokens if t.kind in ("syllable", "invalid")]
    return len(judged), sum(1 for t in judged if t.kind == "invalid")


def looks_ocr_damaged(text: str, threshold: float = DAMAGE_THRESHOLD) -> bool:
    """True when more than `threshold` of the syllables are invalid.

    The clean corpus files have 0–0.3% (loanwords such as "logistics"), the OCR'd report 8%.
    """
    total, invalid = count_invalid_syllables(text)
    return total > 0 and invalid / total > threshold
