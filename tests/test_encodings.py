"""Tests for qa/ingest/encodings.py: seed lines in each legacy encoding are read back as NFC."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from legacy_text import cp1258, tcvn3, tcvn3_representable, vni
from seed_corpus import seed_lines

from qa.index.build import load_corpus
from qa.ingest.encodings import UndecodableText, decode_text, legacy_tables

CLEAN_SEED = ("000", "001", "003", "004")
WRITERS = {"cp1258": cp1258, "tcvn3": tcvn3, "vni": vni}


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _expected(encoding: str, text: str) -> str:
    return _nfc(tcvn3_representable(text) if encoding == "tcvn3" else text)


def _seed_text(prefix: str, lines: int = 80) -> str:
    return "\n".join([line for line in seed_lines(prefix) if line.strip()][:lines])


@pytest.mark.parametrize("prefix", CLEAN_SEED)
@pytest.mark.parametrize("encoding", sorted(WRITERS))
def test_seed_text_round_trips_through_each_legacy_encoding(prefix: str, encoding: str) -> None:
    text = _seed_text(prefix)
    decoded = decode_text(WRITERS[encoding](text))
    assert decoded.encoding == encoding
    assert decoded.text == _expected(encoding, text)
    assert decoded.converted


def test_the_tables_cover_every_vietnamese_letter() -> None:
    tables = legacy_tables()
    letters = {_nfc(b + t) for b in "aăâeêioôơuưy" for t in ("", *"\u0300\u0301\u0309\u0303\u0323")}
    letters = {ch for ch in letters if not ch.isascii()} | {"đ"}
    assert len(letters) == 67 and letters <= set(tables.tcvn3.values())
    for letter in letters | {ch.upper() for ch in letters}:
        text = f"{letter} Việt Nam, Thái Bình, Ủy ban nhân dân tỉnh"
        assert decode_text(vni(text)).text == text


def test_tcvn3_capitals_without_tone_are_kept_and_toned_ones_come_back_lower_case() -> None:
    text = "ĐẢNG BỘ TỈNH THÁI BÌNH, Ủy ban nhân dân tỉnh Thái Bình"
    decoded = decode_text(tcvn3(text))
    assert decoded.text == "ĐảNG Bộ TỉNH THáI BìNH, ủy ban nhân dân tỉnh Thái Bình"


@pytest.mark.parametrize(
    ("codec", "reported"),
    [
        ("utf-16", "utf-16"),
        ("utf-16-be", "utf-16"),
        ("utf-32", "utf-32"),
        ("utf-8-sig", "utf-8-sig"),
    ],
)
def test_unicode_with_a_byte_order_mark(codec: str, reported: str) -> None:
    text = _seed_text("004", 20)
    data = text.encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data
    decoded = decode_text(data)
    assert decoded.text == _nfc(text)
    assert decoded.encoding == reported


def test_decomposed_utf8_becomes_nfc_later_but_is_not_a_conversion() -> None:
    decoded = decode_text(unicodedata.normalize("NFD", "Thái Bình").encode())
    assert decoded.encoding == "utf-8" and not decoded.converted


def test_nul_bytes_and_foreign_text_are_refused_in_one_line() -> None:
    with pytest.raises(UndecodableText, match="NUL bytes"):
        decode_text(b"\x00" * 1000)
    with pytest.raises(UndecodableText, match="no Vietnamese encoding fits") as info:
        decode_text("Le projet de loi a été adopté à Genève après débat".encode("latin-1"))
    assert "\n" not in str(info.value) and "iconv" not in str(info.value)


@given(st.binary(max_size=300))
def test_any_bytes_decode_or_raise_undecodable_text(data: bytes) -> None:
    try:
        decoded = decode_text(data)
    except UndecodableText as exc:
        assert "\n" not in str(exc)
    else:
        assert isinstance(decoded.text, str)


def test_a_corpus_of_legacy_files_loads_and_says_what_was_converted(tmp_path: Path) -> None:
    text = _seed_text("004", 60)
    for encoding, write in WRITERS.items():
        (tmp_path / f"{encoding}.txt").write_bytes(write(text))
    (tmp_path / "utf16.txt").write_bytes(text.encode("utf-16"))
    (tmp_path / "plain.txt").write_text(text, encoding="utf-8")
    docs, errors = load_corpus(tmp_path)
    assert errors == []
    by_id = {doc.meta.doc_id: doc for doc in docs}
    assert {k: v.meta.encoding for k, v in by_id.items()} == {
        "cp1258": "cp1258",
        "tcvn3": "tcvn3",
        "vni": "vni",
        "utf16": "utf-16",
        "plain": "utf-8",
    }
    assert by_id["cp1258"].text == by_id["plain"].text == by_id["vni"].text
