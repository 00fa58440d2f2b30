"""Turn loaded files into ParsedDocuments: the normalised text every span points into.

Order: clean characters → (wrapped layout) split footnotes → reflow → repair OCR damage
(only in documents that look damaged or were OCR'd, with the bundled evidence of
`qa.ingest.ocr.evidence_file`) → sections. Each document is parsed on its own: its text
never depends on the other files.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from qa.ingest.footnotes import (
    MARK_RE,
    PAGE_RE,
    FootnoteSplit,
    has_caret_footnotes,
    has_numbered_footnotes,
    page_mark,
    split_caret_footnotes,
    split_numbered_footnotes,
)
from qa.ingest.loaders import LoadedFile
from qa.ingest.ocr import PairEvidence, count_invalid_syllables, looks_ocr_damaged, repair_ocr
from qa.ingest.ocr.evidence_file import bundled_evidence
from qa.ingest.reflow import is_wrapped_layout, join_lines, reflow_blocks, reflow_wrapped
from qa.ingest.structure import assign_sections
from qa.models import Footnote, OcrReport, Paragraph, ParsedDocument, ScannedPage
from qa.text.normalize import clean_text

PIPELINE_VERSION = "9"  # bumped when parsing, OCR repair, chunking or terms change: stale
PARAGRAPH_GAP = "\n\n"
BLOCK_SUFFIXES = (".docx", ".md")  # formats whose blank-line blocks are paragraphs
_LEADING_PAGES = re.compile(f"(?:\\s*{PAGE_RE.pattern})+")
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _raw_lines(loaded: LoadedFile) -> list[str]:
    lines: list[str] = []
    for page in loaded.pages:
        page_lines = clean_text(page.text).split("\n")
        if page.number is not None:
            page_lines = [page_mark(page.number), *page_lines]
        lines.extend(page_lines)
    return lines


def _split_layout(lines: list[str], blocks: bool) -> tuple[list[str], dict[int, str]]:
    """Paragraph texts (markers as sentinels, page marks kept) and footnote texts by number.

    `blocks`: the format itself says a paragraph is a block (DOCX paragraphs, Markdown), so
    short blocks such as a title above its date line are never joined as wrapped lines.
    """
    if blocks or not is_wrapped_layout(lines):
        return reflow_blocks("\n".join(lines)), {}
    content = [line for line in lines if line.strip()]
    split = FootnoteSplit(body=content)
    if has_numbered_footnotes(content):
        split = split_numbered_footnotes(content)
    elif has_caret_footnotes(content):
        split = split_caret_footnotes(content)
    notes = {}
    for number, parts in split.notes.items():
        text = ""
        for part in parts:
            text = join_lines(text, part)
        if text:
            notes[number] = text
    return reflow_wrapped(split.body), notes


def _strip_pages(paragraphs: list[str]) -> list[tuple[str, int | None]]:
    """Remove page sentinels; each paragraph gets the page it starts on."""
    page: int | None = None
    result: list[tuple[str, int | None]] = []
    for text in paragraphs:
        leading = _LEADING_PAGES.match(text)
        if leading:  # the last of them: pages with no text in between come first
            page = int(PAGE_RE.findall(leading.group(0))[-1])
        paragraph_page = page
        for match in PAGE_RE.finditer(text):
            page = int(match.group(1))
        clean = PAGE_RE.sub("", text).strip()  # reflow put spaces around it where needed
        clean = re.sub(r" {2,}", " ", clean)
        if clean:
            result.append((clean, paragraph_page))
    return result


class _TextBuilder:
    """Appends paragraphs to the document text, turning marker sentinels into superscripts."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.markers: dict[int, int] = {}

    def add(self, text: str) -> tuple[int, int, tuple[int, ...]]:
        if self.parts:
            self.parts.append(PARAGRAPH_GAP)
            self.length += len(PARAGRAPH_GAP)
        start = self.length
        out: list[str] = []
        cursor = 0
        found: list[int] = []
        for match in MARK_RE.finditer(text):
            out.append(text[cursor : match.start()])
            number = int(match.group(1))
            self.markers.setdefault(number, start + sum(len(p) for p in out))
            found.append(number)
            out.append(str(number).translate(_SUPERSCRIPT))
            cursor = match.end()
        out.append(text[cursor:])
        shown = "".join(out)
        self.parts.append(shown)
        self.length += len(shown)
        return start, self.length, tuple(found)

    def text(self) -> str:
        return "".join(self.parts)


def _staged(item: LoadedFile) -> tuple[list[tuple[str, int | None]], dict[int, str]]:
    """Body paragraphs (with their pages) and footnotes, before OCR repair."""
    blocks = Path(item.meta.source_path).suffix.lower() in BLOCK_SUFFIXES
    paragraphs, notes = _split_layout(_raw_lines(item), blocks)
    return _strip_pages(paragraphs), notes


def reference_text(item: LoadedFile) -> str:
    """The body text as OCR evidence counts it (`qa.ingest.ocr.evidence_file` rebuilds from it)."""
    paragraphs, _ = _staged(item)
    return "\n".join(text for text, _ in paragraphs)


def parse_document(item: LoadedFile) -> ParsedDocument:
    """One document; a damaged one is repaired with the bundled evidence, never its neighbours'."""
    paragraphs, notes = _staged(item)
    damaged = _is_scan(item) or looks_ocr_damaged("\n".join(text for text, _ in paragraphs))
    return _assemble(item, paragraphs, notes, bundled_evidence() if damaged else None)


def parse_documents(loaded: Sequence[LoadedFile]) -> list[ParsedDocument]:
    """Each document on its own (the same result whichever others come with it)."""
    return [parse_document(item) for item in loaded]


def _is_scan(item: LoadedFile) -> bool:
    return any(page.ocr_confidence is not None for page in item.pages)


def _scanned_pages(
    item: LoadedFile,
    before: list[tuple[str, int | None]],
    after: list[tuple[str, int | None]],
) -> tuple[ScannedPage, ...]:
    """Per OCR'd page: Tesseract's confidence and invalid syllables before/after repair."""
    reports = []
    for page in item.pages:
        if page.ocr_confidence is None or page.number is None:
            continue
        total, invalid_before = count_invalid_syllables(
            "\n".join(text for text, number in before if number == page.number)
        )
        _, invalid_after = count_invalid_syllables(
            "\n".join(text for text, number in after if number == page.number)
        )
        reports.append(
            ScannedPage(page.number, page.ocr_confidence, total, invalid_before, invalid_after)
        )
    return tuple(reports)


def _repair(
    paragraphs: list[tuple[str, int | None]], notes: dict[int, str], evidence: PairEvidence
) -> tuple[list[tuple[str, int | None]], dict[int, str], OcrReport]:
    joined = "\n".join([t for t, _ in paragraphs] + list(notes.values()))
    repaired, report = repair_ocr(joined, evidence)
    lines = repaired.split("\n")
    if len(lines) != len(paragraphs) + len(notes):
        return paragraphs, notes, report
    fixed = [(text, page) for text, (_, page) in zip(lines, paragraphs, strict=False)]
    fixed_notes = dict(zip(notes, lines[len(paragraphs) :], strict=True))
    return fixed, fixed_notes, report


def _assemble(
    item: LoadedFile,
    paragraphs: list[tuple[str, int | None]],
    notes: dict[int, str],
    evidence: PairEvidence | None,
) -> ParsedDocument:
    report = OcrReport()
    before = paragraphs
    if evidence is not None:
        paragraphs, notes, report = _repair(paragraphs, notes, evidence)
    if scanned := _scanned_pages(item, before, paragraphs):
        report = replace(report, pages=scanned)
    sections = assign_sections([text for text, _ in paragraphs])
    builder = _TextBuilder()
    built: list[Paragraph] = []
    note_section: dict[int, tuple[tuple[str, ...], int | None]] = {}
    for (text, page), sectioned in zip(paragraphs, sections, strict=True):
        start, end, markers = builder.add(text)
        for number in markers:
            note_section.setdefault(number, (sectioned.section, page))
        built.append(Paragraph("", start, end, page, sectioned.role, section=sectioned.section))
    footnotes: list[Footnote] = []
    for number, text in sorted(notes.items()):
        start, end, _ = builder.add(text)
        section, page = note_section.get(number, ((), None))
        footnote_section = (*section, f"Chú thích {number}")
        built.append(Paragraph(text, start, end, page, "footnote", number, footnote_section))
        footnotes.append(Footnote(number, text, start, end, builder.markers.get(number)))
    full = builder.text()
    built = [replace(p, text=full[p.start : p.end]) for p in built]
    return ParsedDocument(
        meta=item.meta,
        text=full,
        paragraphs=tuple(built),
        footnotes=tuple(footnotes),
        ocr=report,
        fingerprint=f"{item.fingerprint}-{PIPELINE_VERSION}",
    )
