"""Give each paragraph a section path from the headings above it.

`Phần thứ nhất: TÌNH HÌNH … › I. PHÁT TRIỂN KINH TẾ › 1. Sản xuất nông, lâm nghiệp…`
"""

from __future__ import annotations

from dataclasses import dataclass

from qa.ingest.headings import detect_heading

SECTION_SEPARATOR = " › "


@dataclass(frozen=True)
class Sectioned:
    """A paragraph's role ("heading" or "body") and the path of headings it sits under."""

    role: str
    section: tuple[str, ...]


def assign_sections(paragraphs: list[str]) -> list[Sectioned]:
    """Walk the paragraphs keeping a stack of open headings, deepest last.

    >>> [s.section for s in assign_sections(["I. KINH TẾ", "1. Nông nghiệp", "Lúa tốt.",
    ...                                      "II. XÃ HỘI", "Dân vui."])]
    [('I. KINH TẾ',), ('I. KINH TẾ', '1. Nông nghiệp'), ('I. KINH TẾ', '1. Nông nghiệp'), \
('II. XÃ HỘI',), ('II. XÃ HỘI',)]
    """
    stack: list[tuple[int, str, str]] = []  # (level, kind, label)
    result: list[Sectioned] = []
    previous: str | None = None  # kind of the heading just before, if the last one was one
    for text in paragraphs:
        heading = detect_heading(text)
        previous, kind_before = (heading.kind if heading else None), previous
        if heading is None:
            result.append(Sectioned("body", tuple(label for _, _, label in stack)))
            continue
        if heading.kind == "caps" and kind_before == "part" and stack[-1][1] == "part":
            # `Phần thứ nhất` + its upper-case title on the next line; a caps line further
            # down (`TM. ỦY BAN NHÂN DÂN`) is not part of the title.
            level, kind, label = stack.pop()
            stack.append((level, kind, f"{label}: {heading.label}"))
        else:
            while stack and stack[-1][0] >= heading.level:
                stack.pop()
            stack.append((heading.level, heading.kind, heading.label))
        role = "body" if heading.lead else "heading"
        result.append(Sectioned(role, tuple(label for _, _, label in stack)))
    return result


def format_section(section: tuple[str, ...]) -> str:
    """The path as users read it."""
    return SECTION_SEPARATOR.join(section)
