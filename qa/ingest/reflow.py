"""Rebuild real paragraphs from hard-wrapped lines and drop page furniture.

PDF-extracted reports wrap every ~80 characters, often with a blank line between wrapped
lines, so blank lines mean nothing there ("wrapped" layout). Markdown-like files put one
paragraph per line with blank lines between ("block" layout).
"""

from __future__ import annotations

import re

from qa.ingest.footnotes import MARK_CLOSE, PAGE_RE, is_page_mark
from qa.ingest.headings import detect_heading, is_markdown_heading, strip_markdown

_FURNITURE = re.compile(
    r"^\s*(?:-?\s*\d{1,3}\s*-?|trang\s+\d+(?:\s*/\s*\d+)?|[-_=*•.]{3,}"
    r"|\((?:tiếp theo|xem tiếp)[^)]*\))\s*$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^(?:[-+•–_]\s+|\(\d{1,2}\)\s)")  # OCR reads some `-` as `_`
_SENTENCE_END = re.compile(r"(?:[.!?:;…]|\.\/\.)[\"'”’)\]]*$")
_CONTINUES_TIGHT = re.compile(r"^[.,;:)\]!?%…]")
_CONTINUED = re.compile(r"^\s*\((?:tiếp theo|xem tiếp)", re.IGNORECASE)
# the items of a legal document's preamble, each its own paragraph though a `;` ends the last
_PREAMBLE = re.compile(r"^(?:Căn cứ|Xét|Theo đề nghị|Thực hiện)\b")


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
    if previous_is_heading:
        return True
    if previous.rstrip().endswith(";") and not (_PREAMBLE.match(stripped) or stripped.isupper()):
        return False  # `… Miếu Giàng (…);` / `Đình Quán (…)`: a list of names goes on
    return bool(_SENTENCE_END.search(previous.rstrip()))


def join_lines(left: str, right: str) -> str:
    """Join two wrapped lines with one space, or none before punctuation / inside `2021-2025`."""
    left, right = left.rstrip(), right.strip()
    if not left:
        return right
    tight = _CONTINUES_TIGHT.match(right) or (re.search(r"\d-$", left) and right[:1].isdigit())
    if tight or (left.endswith(MARK_CLOSE) and _CONTINUES_TIGHT.match(right)):
        return left + right
    return f"{left} {right}"


def _join_at_page(left: str, right: str, pages: str) -> str:
    """`join_lines`, with the page sentinels met between the two lines put at the junction:
    the page break neither decides the join nor leaves a space in `2021-` + `2025`."""
    joined = join_lines(left, right)
    cut = len(joined) - len(right.strip())
    return joined[:cut] + pages + joined[cut:]


def reflow_wrapped(lines: list[str]) -> list[str]:
    """Hard-wrapped lines → paragraphs: a line continues unless the previous one ended a
    sentence or a heading, or the line itself opens a heading or a list item. A `;` ends a
    paragraph only before a preamble's next item (`Căn cứ …`) or a line in capitals: after
    it, a capitalised line goes on with the list (`… Miếu Giàng (…);` / `Đình Quán (…)`).

    >>> reflow_wrapped(["Tổng sản phẩm trên địa bàn tỉnh ước đạt", "47.411 tỷ đồng.",
    ...                 "1. Sản xuất nông nghiệp", "Sản xuất ổn định."])
    ['Tổng sản phẩm trên địa bàn tỉnh ước đạt 47.411 tỷ đồng.', '1. Sản xuất nông nghiệp', \
'Sản xuất ổn định.']
    """
    paragraphs: list[str] = []
    previous_is_heading = False
    pages = ""  # page sentinels waiting for the next line
    last = ""  # the last paragraph without its page sentinels, for the decisions
    for raw in lines:
        line = raw.strip()
        if is_page_mark(line):
            pages += line
            continue
        if not line or is_page_furniture(line):
            continue
        heading = detect_heading(line)
        if paragraphs and not _starts_paragraph(line, last, previous_is_heading):
            paragraphs[-1] = _join_at_page(paragraphs[-1], line, pages)
            last, pages = join_lines(last, line), ""
            continue
        if paragraphs and previous_is_heading and heading and heading.kind == "caps":
            before = detect_heading(last)
            if before is not None and before.kind in ("caps", "part", "roman"):
                paragraphs[-1] = _join_at_page(paragraphs[-1], line, pages)  # a wrapped heading
                last, pages = join_lines(last, line), ""
                continue
        paragraphs.append(pages + line)
        last, pages = line, ""
        previous_is_heading = heading is not None and not heading.lead
    if pages:
        paragraphs.append(pages)
    return paragraphs


def reflow_blocks(text: str) -> list[str]:
    """Blank-line separated blocks → paragraphs; headings stay on their own, list items open one.

    Markdown markup (`#`, `**`) is dropped from the text shown to users. A block that opens in
    lower case after a block left mid-sentence is the same paragraph cut by a page break
    (`… được Thủ tướng Chính phủ quyết định thành` / `lập từ năm 2017 …`), unless a
    `(Tiếp theo trang 1)` line says the text jumped from elsewhere.
    """
    paragraphs: list[str] = []
    open_paragraph = False  # the last paragraph is body text that stopped mid-sentence
    pages = ""  # page sentinels waiting for the next line
    for block in re.split(r"\n\s*\n", text):
        current = ""
        for raw in block.splitlines():
            if _CONTINUED.match(raw):
                open_paragraph = False
            if is_page_mark(raw):
                pages += raw.strip()
                continue
            if not raw.strip() or is_page_furniture(raw):
                continue
            line = strip_markdown(raw)
            if not line:
                continue
            heading = detect_heading(line)
            if is_markdown_heading(raw) or (heading is not None and not heading.lead):
                if current:
                    paragraphs.append(current)
                paragraphs.append(pages + line)
                current, open_paragraph = "", False
            elif heading is not None or _BULLET.match(raw.strip()):
                if current:
                    paragraphs.append(current)
                current = pages + line  # a list item or numbered paragraph: wrapped lines follow
            else:
                if not current and open_paragraph and line[:1].islower():
                    current = paragraphs.pop()
                current = _join_at_page(current, line, pages)
            pages = ""
        if current:
            paragraphs.append(current)
            open_paragraph = not _SENTENCE_END.search(PAGE_RE.sub("", current))
    if pages:
        paragraphs.append(pages)
    return paragraphs
