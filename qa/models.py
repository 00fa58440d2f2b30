"""Plain frozen data passed between pipeline stages (ingest → normalize → structure → chunk → …)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np


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
    # (offset in `text`, section path) where a later section begins inside the passage: a
    # short section is packed with the next, whose sentences are cited under their own
    sections: tuple[tuple[int, str], ...] = ()

    def section_at(self, offset: int) -> str:
        """The section path of the sentence starting at `offset` in `text`.

        >>> text = "Mục tiêu chung. a) Chỉ tiêu: GRDP tăng 9%."
        >>> c = Chunk("d:0", "d", text, 0, len(text), "I. MỤC TIÊU",
        ...           sections=((16, "II. CHỈ TIÊU › a) Kinh tế"),))
        >>> c.section_at(0), c.section_at(29), c.quote_section("a) Chỉ tiêu: GRDP tăng 9%.")
        ('I. MỤC TIÊU', 'II. CHỈ TIÊU › a) Kinh tế', 'II. CHỈ TIÊU › a) Kinh tế')
        """
        section = self.section
        for start, later in self.sections:
            if start > offset:
                break
            section = later
        return section

    def quote_section(self, quote: str) -> str:
        """The section path of a sentence `quote` of this passage (its first if not found)."""
        return self.section_at(self.text.find(quote))


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
    clauses: ClauseMeanings | None = None  # its clauses' cosines (dense modes, for `ask`)


@dataclass(frozen=True, eq=False)
class ClauseMeanings:
    """A passage's clauses (`chunk.text[start:end]`), each clause vector's cosine to the
    question and the clause vectors' dot products with each other: a run of clauses is
    weighed by the cosine of its summed vector, and no vector leaves the index."""

    spans: tuple[tuple[int, int], ...]
    cosines: np.ndarray  # (n,)
    gram: np.ndarray  # (n, n)

    def row(self, start: int, end: int) -> int | None:
        """The clause row spanning `chunk.text[start:end]` (None: not an indexed clause)."""
        return self._rows.get((start, end))

    @cached_property
    def _rows(self) -> dict[tuple[int, int], int]:
        return {span: row for row, span in enumerate(self.spans)}

    def cosine(self, first: int, last: int) -> float:
        """Cosine to the question of the sum of clause vectors `first..last` (rows).

        >>> v = np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)
        >>> m = ClauseMeanings(((0, 3), (5, 9)), v @ np.array([1.0, 0.0]), v @ v.T)
        >>> round(m.cosine(0, 0), 3), round(m.cosine(0, 1), 3)
        (1.0, 0.707)
        """
        cosines, gram = self._sums
        end = last + 1
        block = gram[end][end] - gram[first][end] - gram[end][first] + gram[first][first]
        return (cosines[end] - cosines[first]) / max(block, 1e-12) ** 0.5

    @cached_property
    def _sums(self) -> tuple[list[float], list[list[float]]]:
        """Prefix sums of the cosines and of the Gram matrix (both ways): any run of clauses
        is then a few lookups (the composer asks it of every clause window)."""
        n = len(self.spans)
        cosines = np.zeros(n + 1)
        cosines[1:] = np.cumsum(self.cosines)
        gram = np.zeros((n + 1, n + 1))
        gram[1:, 1:] = np.cumsum(np.cumsum(self.gram, axis=0), axis=1)
        return cosines.tolist(), gram.tolist()


@dataclass(frozen=True)
class SentenceMatch:
    """The sentence of a passage closest to the question: `chunk.text[start:end]`, cosine."""

    start: int
    end: int
    score: float
