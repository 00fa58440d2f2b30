"""Write Vietnamese text in the legacy encodings, from the inverse of the bundled tables.

Tests use these to make the files an archive would hold, then check `qa.ingest.encodings` reads them
back. Windows-1258 comes from Python's codec, TCVN3 and VNI from `qa/data/legacy_charsets.toml`
read backwards, so a wrong table entry breaks the round trip.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from qa.ingest.encodings import legacy_tables

TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows wrote it: base letter, then a combining tone mark."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out += (base + "".join(c for c in parts if c in TONES)).encode("cp1258")
    return out


def tcvn3_representable(text: str) -> str:
    """What a TCVN3 file can hold: toned capitals exist only as their lower-case codes."""
    letters = set(legacy_tables().tcvn3.values())
    return "".join(ch if ch.isascii() or ch in letters else ch.lower() for ch in text)


def tcvn3(text: str) -> bytes:
    """TCVN3 bytes; a character outside the table is written as Windows-1252."""
    inverse = {letter: bytes([code]) for code, letter in legacy_tables().tcvn3.items()}
    nfc = unicodedata.normalize("NFC", tcvn3_representable(text))
    return b"".join(inverse.get(ch) or ch.encode("cp1252") for ch in nfc)


@cache
def _vni_inverse() -> dict[str, bytes]:
    """Letter → VNI bytes: the single-byte letters, then every base + mark byte composition."""
    tables = legacy_tables()
    inverse = {letter: bytes([code]) for code, letter in tables.vni_letters.items()}
    for base_letter, base_bytes in (
        *((ch, ch.encode("ascii")) for ch in "aeiouyAEIOUY"),
        *((ch, inverse[ch]) for ch in "ơưƠƯ"),
    ):
        for code, marks in tables.vni_marks.items():
            if (code >= 0xE0) != base_letter.islower():
                continue  # capitals take the capital mark bytes
            letter = unicodedata.normalize("NFC", base_letter + marks)
            if len(letter) == 1:
                inverse.setdefault(letter, base_bytes + bytes([code]))
    return inverse


def vni(text: str) -> bytes:
    """VNI bytes; a character outside the table is written as Windows-1252."""
    inverse = _vni_inverse()
    nfc = unicodedata.normalize("NFC", text)
    return b"".join(inverse.get(ch) or ch.encode("cp1252") for ch in nfc)
