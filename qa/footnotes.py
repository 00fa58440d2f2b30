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

import itertools
import re
import statistics
from dataclasses import dataclass, field

MARK_OPEN = "\ue000"
MARK_CLOSE = "\ue001"
MARK_RE = re.compile(f"{MARK_OPEN}(\\d+){MARK_CLOSE}")

_RULE = re.compile(r"^[ \t]{10,}$|^[ \t]*_{10,}[ \t]*$")
_BARE_NUMBER = re.compile(r"^(\d{1,3})\s*$")
_NUMBERED_NOTE = re.compile(r"^(\d{1,3}) (\S.*)$")
_LOST_NUMBER = re.compile(r"^ {2,}\S")
_ONE_SPACE = re.compile(r"^ \S")
_CARET_IN_TEXT = re.compile(r"(?<=\w)['\"]?\^|(?<=[\"'”)])\^")


def marker(number: int) -> str:
    """The sentinel that stands for footnote marker `number` inside body text."""
    return f"{MARK_OPEN}{number}{MARK_CLOSE}"


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
        if state.in_notes:
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


def split_caret_footnotes(lines: list[str]) -> FootnoteSplit:
    """Separate `^`-marked footnotes of OCR'd text; a note starts `^ ` and is set wide.

    Markers in the body (`vụ Đông^;`) and notes are numbered in reading order.
    """
    split = FootnoteSplit()
    lengths = [len(line) for line in lines if line.strip()]
    wide = statistics.median(lengths) * 1.25 if lengths else 120.0
    numbers = (marker(n) for n in itertools.count(1))
    current: list[str] | None = None
    previous_wide = False
    for line in lines:
        stripped = line.strip()
        is_wide = len(stripped) > wide
        if stripped.startswith("^ ") or (current is not None and not previous_wide and is_wide):
            current = split.notes.setdefault(len(split.notes) + 1, [])
        elif current is None or not previous_wide:
            current = None
            split.body.append(_CARET_IN_TEXT.sub(lambda _: next(numbers), line))
            continue
        current.append(re.sub(r"^\^\s*", "", stripped))
        previous_wide = is_wide
    return split


def has_numbered_footnotes(lines: list[str]) -> bool:
    """Several bare-number lines right after text lines: markers of a numbered layout."""
    bare = sum(1 for line in lines if _BARE_NUMBER.match(line))
    return bare >= 3


def has_caret_footnotes(lines: list[str]) -> bool:
    """OCR turned superscript numbers into `^`: notes start with `^ `."""
    return sum(1 for line in lines if line.lstrip().startswith("^ ")) >= 2
