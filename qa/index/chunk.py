"""Sentence-aware chunks with provenance: `doc.text[chunk.start:chunk.end] == chunk.text`.

A chunk holds whole sentences (underthesea `sent_tokenize`), about `chunk_min_words` to
`chunk_max_words` words, never crosses a top-level section, and starts a new chunk when the
section changes once it is big enough. Consecutive chunks of one section overlap by up to
`chunk_overlap_words` words of whole sentences. Every footnote is chunked on its own.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from qa.config import Settings
from qa.index.vi_tokenizers import sent_tokenize
from qa.ingest.structure import format_section
from qa.models import Chunk, ParsedDocument

Span = tuple[int, int]
_FALLBACK_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=[A-ZĐÀ-Ỹ“\"(])")
_CLAUSE_BREAK = re.compile(r"(?<=[;,])\s+")
_ELLIPSIS_BREAK = re.compile(r"(?<=…)\s+(?=[^\W\d_])")


def _words(text: str) -> int:
    return len(text.split())


def sentence_spans(text: str, offset: int = 0, max_words: int = 220) -> list[Span]:
    """Spans of the sentences of `text` (shifted by `offset`); over-long ones cut at `;`/`,`.

    A sentence never crosses a paragraph break (a blank line).
    """
    spans: list[Span] = []
    for match in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]*)*", text):
        spans.extend(
            (start + match.start() + offset, end + match.start() + offset)
            for start, end in _paragraph_sentences(match.group(0), max_words)
        )
    return spans


def sentence_quotes(text: str) -> list[tuple[int, str]]:
    """Each sentence of `text` without its surrounding whitespace, with where it starts: the
    answer composer quotes these, and the index embeds their clauses at the same offsets.

    >>> sentence_quotes("Thu ngân sách tăng.  Xuất khẩu giảm.")
    [(0, 'Thu ngân sách tăng.'), (21, 'Xuất khẩu giảm.')]
    """
    quotes = []
    for start, end in sentence_spans(text):
        raw = text[start:end]
        quotes.append((start + len(raw) - len(raw.lstrip()), raw.strip()))
    return quotes


def _paragraph_sentences(text: str, max_words: int) -> list[Span]:
    spans: list[Span] = []
    cursor = 0
    for sentence in sent_tokenize(text) if text.strip() else []:
        sentence = sentence.strip()
        found = text.find(sentence, cursor) if sentence else -1
        if found < 0:
            spans = []
            break
        spans.append((found, found + len(sentence)))
        cursor = found + len(sentence)
    if not spans and text.strip():
        spans = _regex_spans(text)
    result: list[Span] = []
    for start, end in _rejoin_false_breaks(text, _split_at_ellipses(text, spans)):
        result.extend(_cut_long(text, start, end, max_words))
    return result


def _split_at_ellipses(text: str, spans: list[Span]) -> list[Span]:
    """Break after a `…` that a capital letter follows (`Ngày Quốc tế Yoga (21/6)… Tổ chức
    tập huấn …`): the tokenizer breaks after `...` but not after the one-character ellipsis."""
    split: list[Span] = []
    for start, end in spans:
        for match in _ELLIPSIS_BREAK.finditer(text, start, end):
            if not text[match.end()].isupper():
                continue
            split.append((start, match.start()))
            start = match.end()
        split.append((start, end))
    return split


def _rejoin_false_breaks(text: str, spans: list[Span]) -> list[Span]:
    """Undo breaks inside codes (`(CT.` + `08)`) and before lower-case continuations.

    A Vietnamese sentence starts with a capital letter, a list number or a quote.
    """
    merged: list[Span] = []
    for start, end in spans:
        if merged and _continues(text[: merged[-1][1]], text[start:end]):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _continues(before: str, sentence: str) -> bool:
    if sentence[:1].islower():
        return True
    glued_code = re.search(r"[^\W\d_]\.$", before) and re.match(r"\d+(?![.)]\s)", sentence)
    return bool(glued_code)


def _regex_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    start = len(text) - len(text.lstrip())
    for match in _FALLBACK_SENTENCE.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text.rstrip())))
    return [(s, e) for s, e in spans if e > s]


def _cut_long(text: str, start: int, end: int, max_words: int) -> list[Span]:
    """A sentence longer than a chunk is cut at clause breaks into pieces under `max_words`."""
    if _words(text[start:end]) <= max_words:
        return [(start, end)]
    pieces: list[Span] = []
    piece_start = start
    last_break = None
    for match in _CLAUSE_BREAK.finditer(text, start, end):
        if _words(text[piece_start : match.start()]) > max_words and last_break is not None:
            pieces.append((piece_start, last_break[0]))
            piece_start = last_break[1]
        last_break = (match.start(), match.end())
    pieces.append((piece_start, end))
    final: list[Span] = []
    for s, e in pieces:  # no clause break at all: cut by words
        while _words(text[s:e]) > max_words:
            words = list(re.finditer(r"\S+", text[s:e]))
            cut = s + words[max_words - 1].end()
            final.append((s, cut))
            s = s + words[max_words].start()
        final.append((s, e))
    return final


class _Packer:
    """Collects sentences of one document into chunks."""

    def __init__(self, doc: ParsedDocument, settings: Settings) -> None:
        self.doc = doc
        self.settings = settings
        self.chunks: list[Chunk] = []
        self.sentences: list[Span] = []
        self.places: list[tuple[tuple[str, ...], int | None]] = []  # each sentence's section, page
        self.section: tuple[str, ...] = ()
        self.page: int | None = None
        self.footnote: int | None = None
        self.fresh = 0  # sentences added since the last flush (the rest is overlap)
        self.marker_offsets = sorted(
            (f.marker, f.number) for f in doc.footnotes if f.marker is not None
        )

    def words(self) -> int:
        """Words of the passage as it will be shown, headings between sentences included."""
        return self.words_until(self.sentences[-1][1]) if self.sentences else 0

    def words_until(self, end: int) -> int:
        return _words(self.doc.text[self.sentences[0][0] : end]) if self.sentences else 0

    def add(self, span: Span, section: tuple[str, ...], page: int | None) -> None:
        if not self.sentences:
            self.section, self.page = section, page
        self.sentences.append(span)
        self.places.append((section, page))
        self.fresh += 1

    def make_room(self, span: Span) -> None:
        """Flush before a sentence that would overflow; drop the overlap too if the sentence
        still does not fit after it, so no chunk exceeds `chunk_max_words`."""
        if self.words_until(span[1]) > self.settings.chunk_max_words:
            if self.fresh:
                self.flush(overlap=True)
            if self.words_until(span[1]) > self.settings.chunk_max_words:
                self.sentences, self.places = [], []

    def flush(self, overlap: bool) -> None:
        self.fresh = 0
        if not self.sentences:
            return
        start, end = self.sentences[0][0], self.sentences[-1][1]
        sections = tuple(
            (span[0] - start, format_section(place[0]))
            for span, place, before in zip(
                self.sentences[1:], self.places[1:], self.places, strict=False
            )
            if place[0] != before[0]
        )
        left = bisect.bisect_left(self.marker_offsets, (start, -1))
        right = bisect.bisect_left(self.marker_offsets, (end, -1))  # markers inside the text
        markers = tuple(number for _, number in self.marker_offsets[left:right])
        self.chunks.append(
            Chunk(
                chunk_id=f"{self.doc.meta.doc_id}:{start}",
                doc_id=self.doc.meta.doc_id,
                text=self.doc.text[start:end],
                start=start,
                end=end,
                section=format_section(self.section),
                page=self.page,
                footnotes=markers,
                footnote=self.footnote,
                sections=sections,
            )
        )
        kept: list[Span] = []
        if overlap:
            budget = self.settings.chunk_overlap_words
            for span in reversed(self.sentences[1:]):
                budget -= _words(self.doc.text[span[0] : span[1]])
                if budget < 0:
                    break
                kept.insert(0, span)
        self.places = self.places[len(self.places) - len(kept) :]
        self.sentences = kept
        if kept:  # the next chunk starts with the overlap: its section and page are theirs
            self.section, self.page = self.places[0]


def chunk_document(doc: ParsedDocument, settings: Settings | None = None) -> list[Chunk]:
    """Chunks of one parsed document, body first, then one or more per footnote."""
    settings = settings or Settings()
    packer = _Packer(doc, settings)
    body = [p for p in doc.paragraphs if p.role == "body"]
    if not body:
        body = [p for p in doc.paragraphs if p.role == "heading"]
    for paragraph in body:
        top_changed = packer.sentences and paragraph.section[:1] != packer.section[:1]
        section_changed = packer.sentences and paragraph.section != packer.section
        if top_changed or (section_changed and packer.words() >= settings.chunk_min_words):
            packer.flush(overlap=False)
        for span in sentence_spans(paragraph.text, paragraph.start, settings.chunk_max_words):
            packer.make_room(span)
            packer.add(span, paragraph.section, paragraph.page)
    packer.flush(overlap=False)
    for paragraph in doc.paragraphs:
        if paragraph.role != "footnote":
            continue
        packer.footnote = paragraph.footnote
        for span in sentence_spans(paragraph.text, paragraph.start, settings.chunk_max_words):
            if packer.words_until(span[1]) > settings.chunk_max_words:
                packer.flush(overlap=False)
            packer.add(span, paragraph.section, paragraph.page)
        packer.flush(overlap=False)
    return packer.chunks


def chunk_documents(
    docs: Iterable[ParsedDocument], settings: Settings | None = None
) -> list[Chunk]:
    """All chunks of several documents, in document order."""
    return [chunk for doc in docs for chunk in chunk_document(doc, settings)]
