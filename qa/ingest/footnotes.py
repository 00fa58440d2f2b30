"""Split footnotes out of PDF-extracted text, where they sit interleaved with the body.

Two layouts occur in the seeds:

* numbered (9-month 2023 report): a marker is a bare number line inside the body
  (`…năm 2022` / `1` / `. Tổng giá trị…`); the notes come in blocks, usually after a line
  of spaces (the footnote rule), each starting `N text` or a bare `N` line then ` text`;
  the body resumes with a line starting with one space. Some notes lost their number line
  and start with two spaces: they take the next expected number.
* caret (OCR'd January 2024 report): markers became `^` after a word (`vụ Đông^;`), notes
  start with `^ ` and are set wider than the body.

Markers are replaced by a sentinel `MARK_OPEN + number + MARK_CLOSE` inside the body lines so
that later stages can turn them into superscripts and remember their offsets.
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass, field

from qa.text.normalize import fold_diacritics

MARK_OPEN = "\ue000"
MARK_CLOSE = "\ue001"
MARK_RE = re.compile(f"{MARK_OPEN}(\\d+){MARK_CLOSE}")
PAGE_OPEN = "\ue002"  # a PDF page starts here: a line of its own until paragraphs are built
PAGE_CLOSE = "\ue003"
PAGE_RE = re.compile(f"{PAGE_OPEN}(\\d+){PAGE_CLOSE}")

_RULE = re.compile(r"^[ \t]{10,}$|^[ \t]*_{10,}[ \t]*$")
_BARE_NUMBER = re.compile(r"^(\d{1,3})\s*$")
_NUMBERED_NOTE = re.compile(r"^(\d{1,3}) (\S.*)$")
_LOST_NUMBER = re.compile(r"^ {2,}\S")
_ONE_SPACE = re.compile(r"^ \S")
# A caret at a word's end (`vụ Đông^;`, `quê"'^,`); not inside one (`Tông n^ồn`, `1.2^61`).
_CARET_MARKER = re.compile(r"(?:(?<=\w)['\"]?|(?<=[\"'”)]))\^(?![^\W_])")
CARET_CONTEXT_WORDS = 12  # words before a caret compared with a note's first words
NOTE_HEAD_WORDS = 40
MIN_PAIR_SCORE = 5.0  # shared words' weight (log inverse line frequency) to pair at all
MAX_NOTE_DISTANCE = 60  # body lines from a marker to its note: about one page


def marker(number: int) -> str:
    """The sentinel that stands for footnote marker `number` inside body text."""
    return f"{MARK_OPEN}{number}{MARK_CLOSE}"


def page_mark(number: int) -> str:
    """The sentinel line put before the lines of PDF page `number`."""
    return f"{PAGE_OPEN}{number}{PAGE_CLOSE}"


def is_page_mark(line: str) -> bool:
    """A page sentinel line: it ends a footnote block (notes sit at a page's foot)."""
    return bool(PAGE_RE.fullmatch(line.strip()))


@dataclass
class FootnoteSplit:
    """Body lines (with marker sentinels) and the footnote texts by number."""

    body: list[str] = field(default_factory=list)
    notes: dict[int, list[str]] = field(default_factory=dict)


@dataclass
class _NumberedState:
    split: FootnoteSplit = field(default_factory=FootnoteSplit)
    in_notes: bool = False
    last_marker: int = 0
    last_note: int = 0
    current: int | None = None

    def start_note(self, number: int, text: str | None) -> None:
        self.in_notes = True
        self.current = number
        self.last_note = max(self.last_note, number)
        self.split.notes[number] = [text.strip()] if text and text.strip() else []

    def add_marker(self, number: int) -> None:
        if self.split.body:
            self.split.body[-1] = self.split.body[-1].rstrip() + marker(number)
        self.last_marker = number


def split_numbered_footnotes(lines: list[str]) -> FootnoteSplit:
    """Separate numbered footnotes from the body; blank lines must already be removed.

    >>> s = split_numbered_footnotes(["đạt 47.411 tỷ đồng", "1", ". Tổng giá trị", " " * 20,
    ...                               "1 Trong đó: công nghiệp", " Giá trị sản xuất"])
    >>> [line.replace(MARK_OPEN, "[").replace(MARK_CLOSE, "]") for line in s.body]
    ['đạt 47.411 tỷ đồng[1]', '. Tổng giá trị', ' Giá trị sản xuất']
    >>> s.notes
    {1: ['Trong đó: công nghiệp']}
    """
    state = _NumberedState()
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if is_page_mark(line):
            state.in_notes, state.current = False, None
            state.split.body.append(line)
        elif state.in_notes:
            _numbered_note_line(state, line, following)
        else:
            _numbered_body_line(state, line, following)
    return state.split


def _numbered_body_line(state: _NumberedState, line: str, following: str) -> None:
    if _RULE.match(line):
        state.in_notes = True
        state.current = None
        return
    bare = _BARE_NUMBER.match(line)
    if bare:
        number = int(bare.group(1))
        if state.last_marker < number <= state.last_marker + 3:
            state.add_marker(number)
        elif number == state.last_note + 1 and _ONE_SPACE.match(following):
            state.start_note(number, None)
        return  # otherwise a page number: page furniture
    if _LOST_NUMBER.match(line) and state.last_marker > state.last_note:
        state.start_note(state.last_note + 1, line)
        return
    numbered = _NUMBERED_NOTE.match(line)
    if numbered and state.last_note < int(numbered.group(1)) <= state.last_marker:
        state.start_note(int(numbered.group(1)), numbered.group(2))
        return
    state.split.body.append(line)


def _numbered_note_line(state: _NumberedState, line: str, following: str) -> None:
    if _RULE.match(line):
        return
    bare = _BARE_NUMBER.match(line)
    if bare and state.last_note < int(bare.group(1)) <= max(state.last_marker, state.last_note + 1):
        state.start_note(int(bare.group(1)), None)
        return
    if bare:
        # Not the next note: the page number heading the next page (`16 ` after note 55), so
        # the body resumes even though its first line (`sở; chương trình…`) has no lead space.
        state.in_notes = False
        state.current = None
        return
    numbered = _NUMBERED_NOTE.match(line)
    if numbered and int(numbered.group(1)) == state.last_note + 1:
        state.start_note(int(numbered.group(1)), numbered.group(2))
        return
    if _LOST_NUMBER.match(line):
        state.start_note(state.last_note + 1, line)
        return
    current = state.split.notes.get(state.current) if state.current is not None else None
    if _ONE_SPACE.match(line) and (current is None or current):
        state.in_notes = False  # the body resumes on the next page
        state.current = None
        _numbered_body_line(state, line, following)
        return
    if current is None:
        state.in_notes = False
        _numbered_body_line(state, line, following)
        return
    current.append(line.strip())


@dataclass
class _CaretNote:
    """A note block of OCR'd text and the body line it was cut out before."""

    position: int
    lines: list[str] = field(default_factory=list)


def split_caret_footnotes(lines: list[str]) -> FootnoteSplit:
    """Separate `^`-marked footnotes of OCR'd text; a note starts `^ ` and is set wide.

    The OCR loses numbers, some notes (page 1's) and invents carets (`Tông n^ồn`,
    `1.2^61`), so notes are not paired with carets by count: a caret is a marker only at a
    word's end (`vụ Đông^;`), and each note goes to the marker before it whose words it
    shares most (`(OCỌP)^` ↔ `… Giấy chứng nhận õcop …`), in reading order. A marker left
    without a note loses its caret; a "note" no marker points to was body text and goes back.
    """
    body, notes = _caret_blocks(lines)
    carets = [
        (index, match) for index, line in enumerate(body) for match in _CARET_MARKER.finditer(line)
    ]
    pairs = _align_notes(body, carets, notes)
    numbers = {caret: number for number, (caret, _) in enumerate(pairs, start=1)}
    split = FootnoteSplit()
    by_line: dict[int, list[tuple[int, re.Match[str]]]] = {}
    for caret, (index, match) in enumerate(carets):
        by_line.setdefault(index, []).append((caret, match))
    kept = {note for _, note in pairs}
    returned: dict[int, list[str]] = {}  # body position → lines of notes that were body text
    for n, block in enumerate(notes):
        if n not in kept:
            returned.setdefault(block.position, []).extend(block.lines)
    for index, line in enumerate([*body, ""]):
        split.body.extend(re.sub(r"^\^\s*", "", text) for text in returned.get(index, []))
        for caret, match in reversed(by_line.get(index, [])):
            sign = marker(numbers[caret]) if caret in numbers else ""
            line = line[: match.start()] + sign + line[match.end() :]
        if index < len(body):
            split.body.append(line)
    for number, (_, note) in enumerate(pairs, start=1):
        split.notes[number] = [re.sub(r"^\^\s*", "", text) for text in notes[note].lines]
    return split


def _caret_blocks(lines: list[str]) -> tuple[list[str], list[_CaretNote]]:
    """Body lines and note blocks: a note opens with a wide `^ ` line (a body-width `^ ` line
    is a list dash the OCR misread) or a wide line right after a note's narrow last line."""
    lengths = [len(line.strip()) for line in lines if line.strip()]
    wide = statistics.median(lengths) * 1.25 if lengths else 120.0
    body: list[str] = []
    notes: list[_CaretNote] = []
    current: _CaretNote | None = None
    previous_wide = False
    for line in lines:
        stripped = line.strip()
        is_wide = len(stripped) > wide
        if is_page_mark(line):
            current, previous_wide = None, False
            body.append(line)
            continue
        if (stripped.startswith("^ ") and is_wide) or (
            current is not None and not previous_wide and is_wide
        ):
            current = _CaretNote(len(body))
            notes.append(current)
        elif current is None or not previous_wide:
            current = None
            body.append(line)
            continue
        current.lines.append(stripped)
        previous_wide = is_wide
    return body, notes


def _caret_context(body: list[str], index: int, match: re.Match[str]) -> str:
    before = " ".join(body[max(0, index - 2) : index]) + " " + body[index][: match.start()]
    return " ".join(before.split()[-CARET_CONTEXT_WORDS:])


def _align_notes(
    body: list[str], carets: list[tuple[int, re.Match[str]]], notes: list[_CaretNote]
) -> list[tuple[int, int]]:
    """(caret, note) pairs in reading order maximising the shared rare words (a small DP)."""
    if not carets or not notes:
        return []
    documents = [_words_of(line) for line in body] + [_words_of(" ".join(n.lines)) for n in notes]
    frequency: dict[str, int] = {}
    for words in documents:
        for word in words:
            frequency[word] = frequency.get(word, 0) + 1
    weight = {w: math.log(len(documents) / count) for w, count in frequency.items()}
    contexts = [_words_of(_caret_context(body, i, m)) for i, m in carets]
    heads = [_words_of(" ".join(" ".join(n.lines).split()[:NOTE_HEAD_WORDS])) for n in notes]
    rows, cols = len(carets), len(notes)
    best = [[0.0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(1, rows + 1):
        for j in range(1, cols + 1):
            best[i][j] = max(best[i - 1][j], best[i][j - 1])
            distance = notes[j - 1].position - carets[i - 1][0]
            if 0 < distance <= MAX_NOTE_DISTANCE:  # a note follows its marker on its page
                score = sum(weight[w] for w in contexts[i - 1] & heads[j - 1])
                if score >= MIN_PAIR_SCORE:
                    best[i][j] = max(best[i][j], best[i - 1][j - 1] + score)
    pairs: list[tuple[int, int]] = []
    i, j = rows, cols
    while i and j:
        if best[i][j] == best[i - 1][j]:
            i -= 1
        elif best[i][j] == best[i][j - 1]:
            j -= 1
        else:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
    return pairs[::-1]


def _words_of(text: str) -> set[str]:
    return {w for w in re.findall(r"[^\W\d_]{2,}", fold_diacritics(text).lower())}


def has_numbered_footnotes(lines: list[str]) -> bool:
    """Several bare-number lines right after text lines: markers of a numbered layout."""
    bare = sum(1 for line in lines if _BARE_NUMBER.match(line))
    return bare >= 3


def has_caret_footnotes(lines: list[str]) -> bool:
    """OCR turned superscript numbers into `^`: notes start with `^ `."""
    return sum(1 for line in lines if line.lstrip().startswith("^ ")) >= 2
