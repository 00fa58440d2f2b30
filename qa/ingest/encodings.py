"""Decode a text file's bytes to NFC Unicode, whichever encoding a Vietnamese office used.

Why: provincial archives keep documents typed before Unicode took over: Windows-1258 (a base
letter followed by a combining tone mark), TCVN3 (".VnTime" fonts, one byte per letter) or VNI
("VNI-Times", a letter followed by a mark byte). Read as UTF-8 they fail; read as Latin-1 they
are garbage ("Th¸i B×nh" is TCVN3 for "Thái Bình", "Thaùi Bình" VNI). Byte statistics settle
the easy cases (a byte-order mark, NUL bytes of UTF-16, valid UTF-8); otherwise each legacy
decoding is tried and the Vietnamese syllable model (`qa.text.syllable`) picks the one whose
accented words are real syllables. The TCVN3 and VNI tables are in
`qa/data/legacy_charsets.toml`, each mapping documented there.
"""

from __future__ import annotations

import codecs
import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from qa import DATA_DIR
from qa.text.syllable import parse_syllable

__all__ = [
    "LEGACY_ENCODINGS",
    "DecodedText",
    "UndecodableText",
    "decode_text",
    "legacy_tables",
    "vietnamese_share",
]

CHARSETS_FILE = DATA_DIR / "legacy_charsets.toml"
LEGACY_ENCODINGS = ("cp1258", "tcvn3", "vni")  # tried in this order; ties go to the first
MIN_VIETNAMESE_SHARE = 0.8  # accented words that must be valid syllables to accept a decoding
MAX_NUL_SHARE = 0.01  # more NUL bytes than this (and no UTF-16 pattern): not a text file
SAMPLE_BYTES = 100_000  # what the encoding is judged on; the whole file is decoded once chosen

_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_TOKEN = re.compile(r"\S+")
_EDGE_PUNCTUATION = "\"'()[]{}<>,.;:!?*-–—…“”‘’«»/\\|"
_VNI_BASES = "aeiouyAEIOUY\xf4\xd4\xf6\xd6"  # ASCII vowels and VNI's ơ Ơ ư Ư bytes


class UndecodableText(ValueError):
    """The bytes are no text in any encoding we read; the message says what was found."""


@dataclass(frozen=True)
class DecodedText:
    """NFC text and the encoding it was read from ("utf-8", "utf-16", "cp1258", "tcvn3" …)."""

    text: str
    encoding: str

    @property
    def converted(self) -> bool:
        """True when the file was not UTF-8 (with or without BOM): worth telling the user."""
        return self.encoding not in ("utf-8", "utf-8-sig")


@dataclass(frozen=True)
class LegacyTables:
    """TCVN3 byte → letter; VNI byte → letter, and VNI mark byte → combining marks."""

    tcvn3: dict[int, str]
    vni_letters: dict[int, str]
    vni_marks: dict[int, str]


@lru_cache(maxsize=1)
def legacy_tables() -> LegacyTables:
    """The bundled TCVN3 and VNI tables (`qa/data/legacy_charsets.toml`)."""
    data = tomllib.loads(CHARSETS_FILE.read_text(encoding="utf-8"))

    def by_byte(table: dict[str, str]) -> dict[int, str]:
        return {int(key, 16): value for key, value in table.items()}

    return LegacyTables(
        tcvn3=by_byte(data["tcvn3"]),
        vni_letters=by_byte(data["vni"]["letters"]),
        vni_marks=by_byte(data["vni"]["marks"]),
    )


@lru_cache(maxsize=1)
def _windows_1252() -> dict[int, str]:
    """Byte → character of the Windows code page the legacy fonts ran under (unused → U+FFFD)."""
    return {b: bytes([b]).decode("cp1252", errors="replace") for b in range(0x80, 0x100)}


@lru_cache(maxsize=1)
def _tcvn3_translation() -> dict[int, str]:
    return {**_windows_1252(), **legacy_tables().tcvn3}


@lru_cache(maxsize=1)
def _vietnamese_letters() -> frozenset[str]:
    """Every letter a Vietnamese syllable can be spelled with, both cases, NFC."""
    letters = {"đ", "Đ"}
    for base in "aăâeêioôơuưy":
        for tone in ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"):
            letter = unicodedata.normalize("NFC", base + tone)
            letters.update({letter, letter.upper()})
    return frozenset(letters)


def _decode_tcvn3(data: bytes) -> str:
    """One byte per letter: ASCII, the TCVN3 table, else Windows-1252."""
    return data.decode("latin-1").translate(_tcvn3_translation())


@lru_cache(maxsize=1)
def _vni_readings() -> dict[str, str]:
    """Latin-1 reading of VNI bytes → letter: base + mark pairs that make a Vietnamese letter
    ("a" 0xF9 → "á", 0xF4 0xF9 → "ớ"), then every single byte above ASCII (0xF1 → "đ", else
    Windows-1252)."""
    tables = legacy_tables()
    singles = {chr(b): letter for b, letter in {**_windows_1252(), **tables.vni_letters}.items()}
    pairs = {}
    for base in _VNI_BASES:
        for mark, marks in tables.vni_marks.items():
            letter = unicodedata.normalize("NFC", singles.get(base, base) + marks)
            if letter in _vietnamese_letters():
                pairs[base + chr(mark)] = letter
    return {**singles, **pairs}


@lru_cache(maxsize=1)
def _vni_pattern() -> re.Pattern[str]:
    """A base letter and a mark byte, or any other byte above ASCII (in the latin-1 reading)."""
    marks = "".join(chr(b) for b in legacy_tables().vni_marks)
    return re.compile(f"[{re.escape(_VNI_BASES)}][{re.escape(marks)}]|[\x80-\xff]")


def _decode_vni(data: bytes) -> str:
    """A base letter followed by a mark byte becomes one letter, other high bytes one each;
    a base and mark that make no Vietnamese letter are read one byte at a time."""
    readings = _vni_readings()

    def read(match: re.Match[str]) -> str:
        found = match.group(0)
        return readings.get(found) or "".join(readings.get(ch, ch) for ch in found)

    return _vni_pattern().sub(read, data.decode("latin-1"))


def _decode_cp1258(data: bytes) -> str:
    return data.decode("cp1258", errors="replace")


_LEGACY_DECODERS: dict[str, Callable[[bytes], str]] = {
    "cp1258": _decode_cp1258,
    "tcvn3": _decode_tcvn3,
    "vni": _decode_vni,
}


def vietnamese_share(text: str) -> tuple[int, int]:
    """(words with a non-ASCII letter, how many of them are Vietnamese syllables).

    Why: legacy encodings differ only above ASCII, so only words with such characters tell
    them apart: TCVN3 "B×nh" read as Windows-1258 is no syllable, read as TCVN3 it is "Bình".
    """
    judged = valid = 0
    for match in _TOKEN.finditer(text):
        word = match.group(0).strip(_EDGE_PUNCTUATION)
        if not word or word.isascii() or any(ch.isdigit() for ch in word):
            continue
        judged += 1
        valid += _is_vietnamese(word)
    return judged, valid


@lru_cache(maxsize=65536)
def _is_vietnamese(word: str) -> bool:
    """A syllable, or capitals A–Z and Đ ("HĐND", "CTHĐ": abbreviations, Vietnamese too)."""
    if parse_syllable(word) is not None:
        return True
    return len(word) >= 2 and all("A" <= ch <= "Z" or ch == "Đ" for ch in word)


def _utf16_without_bom(sample: bytes) -> str | None:
    """ "utf-16-le"/"utf-16-be" when NUL bytes sit at odd/even offsets as in UTF-16 text."""
    odd = sample[1::2].count(0)
    even = sample[0::2].count(0)
    half = max(1, len(sample) // 2)
    if odd / half > 0.3 and even / half < 0.05:
        return "utf-16-le"
    if even / half > 0.3 and odd / half < 0.05:
        return "utf-16-be"
    return None


def _unicode(data: bytes) -> DecodedText | None:
    """Decoded text when byte statistics alone say which Unicode form this is, else None."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(unicodedata.normalize("NFC", data.decode(name)), name)
            except UnicodeDecodeError as exc:
                raise UndecodableText(f"broken {name.upper()} (byte {exc.start})") from exc
    sample = data[:SAMPLE_BYTES]
    if sample and sample.count(0) > MAX_NUL_SHARE * len(sample):
        guess = _utf16_without_bom(sample)
        if guess is None:
            raise UndecodableText("binary data (NUL bytes), not a text file")
        try:
            return DecodedText(unicodedata.normalize("NFC", data.decode(guess)), "utf-16")
        except UnicodeDecodeError as exc:
            raise UndecodableText(f"binary data (NUL bytes), not a text file ({exc})") from exc
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        return None


def decode_text(data: bytes) -> DecodedText:
    """The text of a document file in NFC, and the encoding it was read from.

    UTF-8/16/32 are recognised from a byte-order mark or the bytes themselves; anything else is
    decoded as each legacy encoding and kept as the one whose accented words are most often
    Vietnamese syllables, if at least `MIN_VIETNAMESE_SHARE` of them are. Raises
    UndecodableText (one line) otherwise.
    >>> decode_text(b"Th\\xb8i B\\xd7nh").text, decode_text(b"Th\\xb8i B\\xd7nh").encoding
    ('Thái Bình', 'tcvn3')
    """
    found = _unicode(data)
    if found is not None:
        return found
    sample = data[:SAMPLE_BYTES]
    best_name, best_share = "", -1.0
    for name in LEGACY_ENCODINGS:
        judged, valid = vietnamese_share(_LEGACY_DECODERS[name](sample))
        share = valid / judged if judged else 0.0
        if share > best_share:
            best_name, best_share = name, share
    if best_share < MIN_VIETNAMESE_SHARE:
        raise UndecodableText(
            f"not UTF-8, and no Vietnamese encoding fits (best: {best_name}, "
            f"{best_share:.0%} of accented words are Vietnamese); save it as UTF-8"
        )
    text = _LEGACY_DECODERS[best_name](data)
    return DecodedText(unicodedata.normalize("NFC", text), best_name)
