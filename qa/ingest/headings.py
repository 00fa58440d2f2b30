"""Recognise the heading patterns of Vietnamese administrative documents.

`Phần thứ nhất`, `Chương II` (part) › `Điều 1.` (article) › `I.` (roman) › `1.` (number) ›
`1.1.` (decimal) › `a)` (letter). Upper-case lines and markdown bold lines are headings too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LEVELS = {"part": 0, "article": 1, "roman": 2, "caps": 2, "number": 3, "decimal": 4, "letter": 5}
MAX_HEADING_CHARS = 160
MAX_TITLE_WORDS = 10  # a `Điều`/`Chương` line ending in a period longer than this is a sentence

_PATTERNS = (
    (
        "part",
        re.compile(r"^(?:(?:Phần|PHẦN)\s+(?:thứ|THỨ)\s+\w+|(?:Chương|CHƯƠNG)\s+[IVXLC\d]+\b)"),
    ),
    ("article", re.compile(r"^Điều\s+\d+[.:]?(\s|$)")),
    ("roman", re.compile(r"^(?:X{0,2}(?:IX|IV|V?I{0,3}))[.)]\s+\S")),
    ("decimal", re.compile(r"^\d{1,2}(?:\.\d{1,2})+\.?\s+\S")),
    ("number", re.compile(r"^\d{1,2}[.)]\s+\S")),
    ("letter", re.compile(r"^[a-zđ]\)\s+\S")),
)
_NUMBERING = re.compile(
    r"^(?:(?:Phần|PHẦN)\s+(?:thứ|THỨ)\s+\w+|(?:Chương|CHƯƠNG)\s+[IVXLC\d]+|Điều\s+\d+"
    r"|[IVXLC]+|\d{1,2}(?:\.\d{1,2})*|[a-zđ])[.:)]?\s+"
)
_VOWELS = "[AĂÂEÊIOÔƠUƯYÁÀẢÃẠẮẰẲẴẶẤẦẨẪẬÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ]"
_MARKDOWN = re.compile(r"^\s*#{1,6}\s+|\*{1,3}")


@dataclass(frozen=True)
class Heading:
    """A recognised heading: its kind, nesting level and the label shown in section paths."""

    kind: str
    level: int
    label: str
    lead: bool = False  # a numbered paragraph that opens a section but is body text itself


def strip_markdown(line: str) -> str:
    """`### **1.3. Tầm nhìn**` → `1.3. Tầm nhìn`; other text unchanged."""
    return _MARKDOWN.sub("", line).strip()


def is_markdown_heading(line: str) -> bool:
    """A `#` heading or a line that is bold as a whole."""
    stripped = line.strip()
    return bool(re.match(r"^#{1,6}\s", stripped)) or (
        stripped.startswith("**") and stripped.rstrip("*").strip() != "" and stripped.endswith("**")
    )


def _is_caps(text: str) -> bool:
    """Upper-case words, most of them syllables: `PHÁT TRIỂN KINH TẾ`, `NGHỊ QUYẾT`.

    Not a line of acronyms (`GRDP`, `KCN VSIP, THPT`) left alone by a line wrap.
    """
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < 4 or not all(ch.isupper() for ch in letters):
        return False
    words = re.findall(r"[^\W\d_]+", text)
    syllables = [w for w in words if re.search(_VOWELS, w)]
    return len(words) >= 2 and len(syllables) * 2 > len(words)


def detect_heading(line: str) -> Heading | None:
    """The heading a (markdown-stripped) line starts, if any.

    A long numbered paragraph (`a) Tiếp tục đẩy mạnh …; …`) still opens a section: it is
    returned with `lead=True` and a label cut at its first clause.
    """
    text = strip_markdown(line)
    if not text or len(text) < 2:
        return None
    for kind, pattern in _PATTERNS:
        if pattern.match(text) and not (kind == "roman" and not re.match(r"^[IVX]", text)):
            return _heading(kind, text)
    if _is_caps(text) and len(text) <= MAX_HEADING_CHARS:
        return Heading("caps", LEVELS["caps"], text.rstrip(" :"))
    return None


def _heading(kind: str, text: str) -> Heading:
    """A short line is a heading; one ending like a sentence only opens a section (`lead`).

    `Điều 1.` or `Chương II. Phạm vi điều chỉnh.` are headings despite the period, but
    `Điều 2. Hội đồng nhân dân tỉnh giao Ủy ban nhân dân tỉnh tổ chức triển khai, …` is body
    text: shown as a heading it would drop out of the searchable passages.
    """
    fits = len(text) <= MAX_HEADING_CHARS
    short = fits and not text.endswith((".", ";", ","))
    titled = fits and kind in ("part", "article") and len(text.split()) <= MAX_TITLE_WORDS
    if short or titled:
        return Heading(kind, LEVELS[kind], text.rstrip(" :"))
    # The label is the numbering plus the first clause: `1. Ban Tuyên giáo Tỉnh ủy tham mưu…`,
    # not the `1` before the numbering's own period.
    numbering = _NUMBERING.match(text)
    cut = numbering.end() if numbering else 0
    clause = text[:cut] + re.split(r"(?<=\S)[.;:](?=\s)", text[cut:], maxsplit=1)[0]
    label = clause if len(clause) <= 100 else clause[:100].rsplit(" ", 1)[0] + "…"
    return Heading(kind, LEVELS[kind], label, lead=True)
