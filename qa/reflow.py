"""Rebuild real paragraphs from hard-wrapped lines and drop page furniture.

PDF-extracted reports wrap every ~80 characters, often with a blank line between wrapped
lines, so blank lines mean nothing there ("wrapped" layout). Markdown-like files put one
paragraph per line with blank lines between ("block" layout).
"""

from __future__ import annotations

import re

from qa.footnotes import MARK_CLOSE
from qa.headings import detect_heading, is_markdown_heading, strip_markdown

_FURNITURE = re.compile(
    r"^\s*(?:-?\s*\d{1,3}\s*-?|trang\s+\d+(?:\s*/\s*\d+)?|[-_=*•.]{3,}"
    r"|\((?:tiếp theo|xem tiếp)[^)]*\))\s*$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^(?:[-+•–]\s+|\(\d{1,2}\)\s)")
_SENTENCE_END = re.compile(r"(?:[.!?:;…]|\.\/\.)[\"'”’)\]]*$")
_CONTINUES_TIGHT = re.compile(r"^[.,;:)\]!?%…]")


def is_page_furniture(line: str) -> bool:
    """Bare page numbers, rules, `(Tiếp theo trang 1)`: never content."""
    return bool(_FURNITURE.match(line))


def is_wrapped_layout(lines: list[str]) -> bool:
    """Hard-wrapped text has short lines; one-paragraph-per-line text has many long ones."""
    lengths = [len(line.strip()) for line in lines if line.strip()]
    if not lengths:
        return False
    long_share = sum(1 for n in lengths if n > 200) / len(lengths)
    return long_share < 0.1


def _starts_paragraph(line: str, previous: str, previous_is_heading: bool) -> bool:
    stripped = line.strip()
    if _BULLET.match(stripped) or detect_heading(stripped) is not None:
        return True
    if not stripped[:1].isupper() and not stripped[:1].isdigit() and stripped[:1] not in "\"“'(":
        return False  # lower case: a wrapped continuation
    return previous_is_heading or bool(_SENTENCE_END.search(previous.rstrip()))


def join_lines(left: str, right: str) -> str:
    """Join two wrapped lines with one space, or none before punctuation / inside `2021-2025`."""
    left, right = left.rstrip(), right.strip()
    if not left:
        return right
    tight = _CONTINUES_TIGHT.match(right) or (re.search(r"\d-$", left) and right[:1].isdigit())
    if tight or left.endswith(MARK_CLOSE) and _CONTINUES_TIGHT.match(right):
        return left + right
    return f"{left} {right}"


def reflow_wrapped(lines: list[str]) -> list[str]:
    """Hard-wrapped lines → paragraphs: a line continues unless the previous one ended a
    sentence, a list item or a heading, or the line itself opens a heading or a list item.

    >>> reflow_wrapped(["Tổng sản phẩm trên địa bàn tỉnh ước đạt", "47.411 tỷ đồng.",
    ...                 "1. Sản xuất nông nghiệp", "Sản xuất ổn định."])
    ['Tổng sản phẩm trên địa bàn tỉnh ước đạt 47.411 tỷ đồng.', '1. Sản xuất nông nghiệp', \
'Sản xuất ổn định.']
    """
    paragraphs: list[str] = []
    previous_is_heading = False
    for raw in lines:
        line = raw.strip()
        if not line or is_page_furniture(line):
            continue
        heading = detect_heading(line)
        if paragraphs and not _starts_paragraph(line, paragraphs[-1], previous_is_heading):
            paragraphs[-1] = join_lines(paragraphs[-1], line)
            continue
        if paragraphs and previous_is_heading and heading and heading.kind == "caps":
            last = detect_heading(paragraphs[-1])
            if last is not None and last.kind in ("caps", "part", "roman"):
                paragraphs[-1] = join_lines(paragraphs[-1], line)  # a heading wrapped in two
                continue
        paragraphs.append(line)
        previous_is_heading = heading is not None and not heading.lead
    return paragraphs


def reflow_blocks(text: str) -> list[str]:
    """Blank-line separated blocks → paragraphs; headings and list items stay on their own.

    Markdown markup (`#`, `**`) is dropped from the text shown to users.
    """
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        current = ""
        for raw in block.splitlines():
            if not raw.strip() or is_page_furniture(raw):
                continue
            own_line = is_markdown_heading(raw) or _BULLET.match(raw.strip())
            line = strip_markdown(raw)
            if not line:
                continue
            if own_line or detect_heading(line):
                if current:
                    paragraphs.append(current)
                paragraphs.append(line)
                current = ""
            else:
                current = join_lines(current, line)
        if current:
            paragraphs.append(current)
    return paragraphs
