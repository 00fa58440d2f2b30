"""Vietnamese syllable model: split tones, check spelling, put tone marks in one place.

Why: Vietnamese is written syllable by syllable, and a syllable has a small, regular structure
(onset + optional o/u glide + nucleus + coda + one of six tones). Knowing that structure lets us
(1) match words typed with either tone-mark convention — "hoá" and "hóa", "thuỷ" and "thủy" — or
either spelling of a lone final i/y — "tỉ lệ" and "tỷ lệ" — and (2) spot OCR damage, because
"ứiủy" or "tmờng" can never be Vietnamese syllables, while "thủy" and "trường" can.

All functions are pure and work on NFC text; each one normalises its input to NFC first.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "TONE_NAMES",
    "Syllable",
    "is_valid_syllable",
    "normalize_tone_marks",
    "parse_syllable",
    "place_tone",
    "spelling_form",
    "split_tone",
]

TONE_NAMES: tuple[str, ...] = ("ngang", "huyền", "sắc", "hỏi", "ngã", "nặng")

# Combining tone marks (after NFD) and the tone number each one stands for.
_TONE_OF_MARK: dict[str, int] = {
    "\u0300": 1,  # huyền  (grave)
    "\u0301": 2,  # sắc    (acute)
    "\u0309": 3,  # hỏi    (hook above)
    "\u0303": 4,  # ngã    (tilde)
    "\u0323": 5,  # nặng   (dot below)
}
_MARK_OF_TONE: dict[int, str] = {tone: mark for mark, tone in _TONE_OF_MARK.items()}

_VOWELS = frozenset("aăâeêioôơuưy")

# Onsets, longest first so that "ngh" is tried before "ng" and "n".
_ONSETS: tuple[str, ...] = (
    "ngh",
    "ch",
    "gh",
    "gi",
    "kh",
    "ng",
    "nh",
    "ph",
    "qu",
    "th",
    "tr",
    "b",
    "c",
    "d",
    "đ",
    "g",
    "h",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "x",
    "",
)

_STOP_CODAS = frozenset({"c", "ch", "p", "t"})
_FRONT = frozenset("ieêy")  # letters that decide k/gh/ngh versus c/g/ng
_LABIAL_ONSETS = frozenset({"b", "m", "p", "ph", "v"})

# Nucleus -> the codas it may take ("" = open syllable).
_NUCLEUS_CODAS: dict[str, frozenset[str]] = {
    "a": frozenset({"", "c", "ch", "i", "m", "n", "ng", "nh", "o", "p", "t", "u", "y"}),
    "ă": frozenset({"c", "m", "n", "ng", "p", "t"}),
    "â": frozenset({"c", "m", "n", "ng", "p", "t", "u", "y"}),
    "e": frozenset({"", "c", "m", "n", "ng", "o", "p", "t"}),
    "ê": frozenset({"", "ch", "m", "n", "nh", "p", "t", "u"}),
    "i": frozenset({"", "ch", "m", "n", "nh", "p", "t", "u"}),
    "y": frozenset({""}),
    "o": frozenset({"", "c", "i", "m", "n", "ng", "p", "t"}),
    "ô": frozenset({"", "c", "i", "m", "n", "ng", "p", "t"}),
    "ơ": frozenset({"", "i", "m", "n", "p", "t"}),
    "u": frozenset({"", "c", "i", "m", "n", "ng", "p", "t"}),
    "ư": frozenset({"", "c", "i", "m", "n", "ng", "t", "u"}),
    "iê": frozenset({"c", "m", "n", "ng", "p", "t", "u"}),
    "yê": frozenset({"c", "m", "n", "ng", "p", "t", "u"}),
    "ia": frozenset({""}),
    "ya": frozenset({""}),
    "uô": frozenset({"c", "i", "m", "n", "ng", "t"}),
    "ua": frozenset({""}),
    "ươ": frozenset({"c", "i", "m", "n", "ng", "p", "t", "u"}),
    "ưa": frozenset({""}),
    "oo": frozenset({"c", "ng"}),
}

# (medial, nucleus) -> codas, for the glides o and u.
_MEDIAL_CODAS: dict[tuple[str, str], frozenset[str]] = {
    ("o", "a"): frozenset({"", "c", "ch", "i", "m", "n", "ng", "nh", "p", "t", "y"}),
    ("o", "ă"): frozenset({"c", "m", "n", "ng", "t"}),
    ("o", "e"): frozenset({"", "c", "m", "n", "ng", "o", "t"}),
    ("u", "â"): frozenset({"c", "n", "ng", "t", "y"}),
    ("u", "ê"): frozenset({"", "ch", "n", "nh", "t", "u"}),
    ("u", "y"): frozenset({"", "ch", "n", "nh", "p", "t", "u"}),
    ("u", "ơ"): frozenset({""}),
    ("u", "yê"): frozenset({"n", "t"}),
    ("u", "ya"): frozenset({""}),
}

# After "qu" the u is already the glide: these are the rhymes (nucleus -> codas) that may follow.
_AFTER_QU: dict[str, frozenset[str]] = {
    "a": _NUCLEUS_CODAS["a"],
    "ă": _NUCLEUS_CODAS["ă"],
    "â": _NUCLEUS_CODAS["â"],
    "e": _NUCLEUS_CODAS["e"],
    "ê": _NUCLEUS_CODAS["ê"],
    "i": frozenset({""}),
    "y": _MEDIAL_CODAS[("u", "y")],
    "ơ": _NUCLEUS_CODAS["ơ"],
    "ô": _NUCLEUS_CODAS["ô"],
    "yê": _MEDIAL_CODAS[("u", "yê")],
}

_NUCLEI_BY_LENGTH: tuple[str, ...] = tuple(sorted(_NUCLEUS_CODAS, key=len, reverse=True))

_RUN = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Syllable:
    """One parsed syllable, lower-case and without its tone mark in the parts.

    "Quyết" → onset "qu", medial "", nucleus "yê", coda "t", tone 2 (sắc);
    "hoàng" → onset "h", medial "o", nucleus "a", coda "ng", tone 1 (huyền).
    `nucleus_at` is where the nucleus starts in the written word: "gìn" is onset "gi" with
    nucleus "i" at index 1, because the i of "gi" doubles as the vowel.
    """

    onset: str
    medial: str
    nucleus: str
    coda: str
    tone: int
    nucleus_at: int

    @property
    def tone_name(self) -> str:
        """The Vietnamese name of the tone, e.g. "sắc" for "quyết"."""
        return TONE_NAMES[self.tone]


def split_tone(syllable: str) -> tuple[str, int]:
    """Strip the tone mark and say which tone it was; other diacritics and case stay.

    Why: the six tones are the part that users and OCR most often get wrong or drop, while
    ă â ê ô ơ ư đ change the letter itself. "Quyết" → ("Quyêt", 2), "hoà" → ("hoa", 1),
    "đường" → ("đương", 1), "an" → ("an", 0). With several marks (not a syllable) the last wins.
    """
    decomposed = unicodedata.normalize("NFD", syllable)
    tone = 0
    kept: list[str] = []
    for part in decomposed:
        if part in _TONE_OF_MARK:
            tone = _TONE_OF_MARK[part]
        else:
            kept.append(part)
    return unicodedata.normalize("NFC", "".join(kept)), tone


# one NFC character → (character without tone mark, tone), cached: "ệ" → ("ê", 5)
_split_char = lru_cache(maxsize=4096)(split_tone)


def _rhyme_codas(onset: str, medial: str, nucleus: str) -> frozenset[str] | None:
    """The codas allowed after onset+medial+nucleus, or None when that start is illegal."""
    if onset == "qu":
        return None if medial else _AFTER_QU.get(nucleus)
    if medial:
        if onset in _LABIAL_ONSETS or onset in {"c", "k", "g", "gh", "gi", "ngh"}:
            return None
        return _MEDIAL_CODAS.get((medial, nucleus))
    if nucleus == "ya":
        return None  # only after the glide u: "khuya"
    if nucleus == "yê" and onset:
        return None  # "yê" starts a syllable or follows the glide u: "yên", "quyết", "khuyến"
    if nucleus == "iê" and not onset:
        return None
    if nucleus == "y" and onset in {"ch", "gi", "nh", "ph", "r", "x", "d", "đ", "b"}:
        # "ky", "lý", "mỹ", "hy", "ty", "sỹ", "vy" exist; these onsets are spelled with i.
        return None
    return _NUCLEUS_CODAS.get(nucleus)


def _onset_fits(onset: str, first_vowel: str) -> bool:
    """Spelling rules: k/gh/ngh only before i e ê (y), c/g/ng never before them."""
    front = first_vowel in _FRONT
    if onset == "k":
        return front
    if onset in {"gh", "ngh"}:
        return front and first_vowel != "y"
    if onset in {"c", "g", "ng"}:
        return not front
    return True


def _rhymes(onset: str, rest: str) -> list[tuple[str, str, str, int]]:
    """All (medial, nucleus, coda, nucleus offset in rest) readings of `rest` after `onset`."""
    found: list[tuple[str, str, str, int]] = []
    for medial in ("", "o", "u"):
        if not rest.startswith(medial):
            continue
        body = rest[len(medial) :]
        for nucleus in _NUCLEI_BY_LENGTH:
            if not body.startswith(nucleus):
                continue
            coda = body[len(nucleus) :]
            codas = _rhyme_codas(onset, medial, nucleus)
            if codas is not None and coda in codas:
                found.append((medial, nucleus, coda, len(medial)))
    return found


def _merged_gi(rest: str, tone: int) -> Syllable | None:
    """ "gì", "gìn", "giếng": the i of "gi" doubles as the vowel (nucleus "i" or "iê")."""
    if rest.startswith("ê"):
        coda, nucleus = rest[1:], "iê"
    elif rest[:1] in _VOWELS:
        return None  # "giũ", "giò": gi is the onset, the vowel comes after it
    else:
        coda, nucleus = rest, "i"
    if coda not in _NUCLEUS_CODAS[nucleus] or (coda in _STOP_CODAS and tone not in (2, 5)):
        return None
    return Syllable("gi", "", nucleus, coda, tone, 1)


@lru_cache(maxsize=65536)
def _analyse(base: str, tone: int) -> Syllable | None:
    """Parse a lower-case toneless syllable; see `parse_syllable`."""
    if not base or tone < 0 or tone > 5:
        return None
    for onset in _ONSETS:
        if not base.startswith(onset):
            continue
        rest = base[len(onset) :]
        if onset == "gi":
            merged = _merged_gi(rest, tone)
            if merged is not None:
                return merged
        for medial, nucleus, coda, offset in _rhymes(onset, rest):
            first_vowel = (medial or nucleus)[0]
            if not _onset_fits(onset, first_vowel):
                continue
            if coda in _STOP_CODAS and tone not in (2, 5):
                continue
            return Syllable(onset, medial, nucleus, coda, tone, len(onset) + offset)
    return None


def _letters(syllable: str) -> tuple[list[str], list[int]] | None:
    """Per character (base letter, tone); None if a bare combining mark is left over."""
    bases: list[str] = []
    tones: list[int] = []
    for ch in syllable:
        base, tone = _split_char(ch)
        if len(base) != 1:
            return None
        bases.append(base)
        tones.append(tone)
    return bases, tones


def _vowel_span(parsed: Syllable) -> range:
    """Positions of the glide and nucleus in the written word, where a tone mark may sit."""
    return range(parsed.nucleus_at - len(parsed.medial), parsed.nucleus_at + len(parsed.nucleus))


@lru_cache(maxsize=65536)  # a corpus repeats a few thousand syllables over and over
def _parse_nfc(syllable: str) -> Syllable | None:
    letters = _letters(syllable)
    if letters is None:
        return None
    bases, tones = letters
    marked = [i for i, tone in enumerate(tones) if tone]
    if len(marked) > 1:
        return None
    parsed = _analyse("".join(bases).lower(), tones[marked[0]] if marked else 0)
    if parsed is None:
        return None
    if marked and marked[0] not in _vowel_span(parsed):
        return None  # a tone on a consonant, on "gi"/"qu", or on a final i/y/o/u
    return parsed


def parse_syllable(syllable: str) -> Syllable | None:
    """Split a syllable into onset, glide, nucleus, coda and tone; None if it cannot be one.

    Why: OCR repair needs a yes/no test that a string is spellable Vietnamese, and tone
    placement needs to know where the nucleus is. Case does not matter; either tone-mark
    convention is accepted ("hoá" and "hóa"), but a tone mark outside the vowels is not.
    "Nguyễn" → Syllable("ng", "u", "yê", "n", 4, 3); "ứiủy", "tmờng", "kính" ok, "kinhf" → None.
    """
    if not syllable:
        return None
    return _parse_nfc(unicodedata.normalize("NFC", syllable))


def is_valid_syllable(word: str) -> bool:
    """True when `word` is a single well-formed Vietnamese syllable: "trường" yes, "tmờng" no."""
    return parse_syllable(word) is not None


def _tone_index(parsed: Syllable) -> int:
    """Where the traditional convention puts the tone mark in the written word.

    Open "oa oe uy" take it on the glide (hóa, khỏe, thủy); with a coda it moves to the
    nucleus (hoàng, quyết); "iê uô ươ yê oo" take it on their second vowel (tiếng, muốn, trường),
    "ia ua ưa ya" on the first (mía, mùa, mưa).
    """
    at = parsed.nucleus_at
    if parsed.nucleus in {"iê", "yê", "uô", "ươ", "oo"}:
        return at + 1
    if parsed.medial and not parsed.coda and parsed.nucleus in {"a", "e", "y"}:
        return at - 1
    return at


@lru_cache(maxsize=65536)
def place_tone(syllable: str) -> str:
    """Move the tone mark to the one place used for matching (the traditional convention).

    Why: the same word is typed "hoá"/"hóa", "thuỷ"/"thủy", "tuỳ"/"tùy"; the corpus mostly uses
    the traditional placement, so queries and documents are both mapped there:
    "hoá" → "hóa", "Thuỷ" → "Thủy", "hoàng", "quý", "giữ", "mùa" stay. Case is kept; anything
    that is not a valid syllable is returned unchanged.
    """
    text = unicodedata.normalize("NFC", syllable)
    letters = _letters(text)
    if letters is None:
        return syllable
    parsed = _parse_nfc(text)
    if parsed is None or parsed.tone == 0:
        return syllable if parsed is None else text
    bases, tones = letters
    target = _tone_index(parsed)
    if tones[target] == parsed.tone:
        return text
    chars = list(bases)
    chars[target] = unicodedata.normalize("NFC", chars[target] + _MARK_OF_TONE[parsed.tone])
    return "".join(chars)


def normalize_tone_marks(text: str) -> str:
    """Apply `place_tone` to every alphabetic run of `text` (after NFC); nothing else changes.

    Why: search must find "thủy lợi" whether a document or a query wrote "thuỷ lợi".
    "Hoà bình, khoẻ mạnh" → "Hòa bình, khỏe mạnh". Runs that are not syllables are untouched.
    """
    nfc = unicodedata.normalize("NFC", text)
    return _RUN.sub(lambda match: place_tone(match.group(0)), nfc)


# after these onsets a syllable of a lone `i` is also written `y` (`tỉ`/`tỷ`, `kĩ`/`kỹ`, `lí`/`lý`,
# `mĩ`/`mỹ`, `hi`/`hy`, `quí`/`quý`, `sĩ`/`sỹ`): two spellings of one word, both in print.
# Matching writes the one word segmentation knows best: `y`, but `i` after `s` (`bác sĩ`)
_LETTER = r"[^\W\d_⁰¹²³⁴⁵⁶⁷⁸⁹]"  # a footnote mark ends a word (`liệt sỹ⁴⁷`)
_LONE_I_OR_Y = re.compile(
    rf"(?<!{_LETTER})(qu|[hklmst])([iíìỉĩịyýỳỷỹỵ])(?!{_LETTER})", re.IGNORECASE
)
_I_TO_Y = str.maketrans("iíìỉĩịIÍÌỈĨỊ", "yýỳỷỹỵYÝỲỶỸỴ")
_Y_TO_I = {y: i for i, y in _I_TO_Y.items()}


def spelling_form(text: str) -> str:
    """`normalize_tone_marks`, and one spelling of a syllable that is an onset and a lone
    final i/y: what matching compares (`Tỉ lệ` → `Tỷ lệ`, `kĩ thuật` → `kỹ thuật`, `quí` →
    `quý`, `liệt sỹ` → `liệt sĩ`). Shown text keeps the document's own spelling. Same length
    as its input once in NFC, case kept.

    >>> spelling_form("Tỉ lệ hoá học, kĩ thuật, lí do, quí I; liệt sỹ⁴⁷, thi, khi, ý kiến, y tế")
    'Tỷ lệ hóa học, kỹ thuật, lý do, quý I; liệt sĩ⁴⁷, thi, khi, ý kiến, y tế'
    """
    return _LONE_I_OR_Y.sub(_one_spelling, normalize_tone_marks(text))


def _one_spelling(match: re.Match[str]) -> str:
    onset, vowel = match.groups()
    return onset + vowel.translate(_Y_TO_I if onset.lower() == "s" else _I_TO_Y)
