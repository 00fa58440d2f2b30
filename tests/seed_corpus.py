"""The seed corpus parsed once per test session, shared by the document and chunk tests."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from qa.index.build import load_corpus
from qa.models import ParsedDocument
from qa.text.normalize import clean_text

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
REPORT_9_MONTHS = "000_b6ed24a3f5e55b80"  # PDF-extracted, numbered footnotes
OCR_REPORT = "002_a6a4f491796d81bf"  # OCR-damaged, caret footnotes


@cache
def parsed_seed_corpus() -> dict[str, ParsedDocument]:
    """Every seed document by id; the corpus has no unreadable file."""
    docs, errors = load_corpus(CORPUS)
    assert errors == []
    return {doc.meta.doc_id: doc for doc in docs}


def seed_lines(prefix: str) -> list[str]:
    """The cleaned lines of the seed file whose name starts with `prefix`, blanks included."""
    (path,) = CORPUS.glob(f"{prefix}*.txt")
    return clean_text(path.read_text(encoding="utf-8")).split("\n")
