"""Plain frozen data passed between pipeline stages (ingest → normalize → structure → chunk → …)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DocumentMeta:
    """What a user sees about a document; `*_derived` say the value was guessed from the text."""

    doc_id: str
    title: str
    date: str | None  # ISO 8601, "2023-10-15" (or "2024-01" style is widened to the 1st)
    kind: str
    issuer: str
    source_path: str
    title_derived: bool = False
    date_derived: bool = False
    encoding: str = ""  # a text file's encoding ("utf-8", "tcvn3", …); "" for PDF/DOCX
    id_note: str = ""  # why the id keeps its file extension (`dup.md` beside `dup.txt`)


@dataclass(frozen=True)
class RawPage:
    """Text of one page as the loader found it (a .txt/.md/.docx file is one page, number None).

    `ocr_confidence` is set when the text was read from the page image: Tesseract's mean word
    confidence, 0–100.
    """

    text: str
    number: int | None = None
    ocr_confidence: float | None = None


@dataclass(frozen=True)
class Footnote:
    """A footnote split out of the body; `marker` is the char offset of its marker in the body."""

    number: int
    text: str
    start: int
    end: int
    marker: int | None = None


@dataclass(frozen=True)
class Paragraph:
    """A reflowed paragraph with its span in the normalised document text.

    `role` is "heading", "body" or "footnote"; a footnote paragraph carries its number.
    """

    text: str
    start: int
    end: int
    page: int | None = None
    role: str = "body"
    footnote: int | None = None
    section: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScannedPage:
    """One OCR'd page: Tesseract's mean word confidence, invalid syllables before/after repair."""

    number: int
    confidence: float
    syllables: int = 0
    invalid_before: int = 0
    invalid_after: int = 0


@dataclass(frozen=True)
class OcrReport:
    """Invalid Vietnamese syllables before/after repair, and what is left for people to check.

    `pages` lists the pages read by OCR (a scan); empty for documents that came as text.
    """

    syllables: int = 0
    invalid_before: int = 0
    invalid_after: int = 0
    repaired: int = 0
    remaining: tuple[str, ...] = ()
    pages: tuple[ScannedPage, ...] = ()


@dataclass(frozen=True)
class ParsedDocument:
    """A document after normalisation and structure: `text` is what every span points into."""

    meta: DocumentMeta
    text: str
    paragraphs: tuple[Paragraph, ...]
    footnotes: tuple[Footnote, ...] = ()
    ocr: OcrReport = field(default_factory=OcrReport)
    fingerprint: str = ""


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage; `doc_text[start:end] == text` for its document."""

    chunk_id: str
    doc_id: str
    text: str
    start: int
    end: int
    section: str
    page: int | None = None
    footnotes: tuple[int, ...] = ()  # footnote numbers whose markers fall inside this passage
    footnote: int | None = None  # set when the passage is (part of) a footnote


@dataclass(frozen=True)
class Hit:
    """One ranked search result."""

    rank: int
    score: float
    chunk: Chunk
    doc: DocumentMeta
    terms: tuple[str, ...] = ()  # query terms found in the passage, for highlighting
    sentence: SentenceMatch | None = None  # closest sentence to the question (dense modes)
    sentences: tuple[SentenceMatch, ...] = ()  # all its sentences' cosines (dense modes)


@dataclass(frozen=True)
class SentenceMatch:
    """The sentence of a passage closest to the question: `chunk.text[start:end]`, cosine."""

    start: int
    end: int
    score: float
