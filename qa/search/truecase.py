"""Capitals a question typed all in lower case leaves out, from how the corpus writes its words.

Why: on a phone people type `tổng vốn dự án kcn vsip là bao nhiêu`. The answer composer holds
a capitalised name as something the evidence must name (`VSIP`, `Hà Nam`, `SEA Games`), and
the query vector moves with the case, so the same tune questions typed all in lower case were
answered less well (272 of 350 right instead of 278, 39 of 67 unanswerable abstained instead of
43). A word or run of up to three words that the corpus writes with capitals every time it
does not open a sentence (`Thái Bình`, `Hải Long`, `VSIP`, `Tết`) gets them back; so does a
province of `qa/data/provinces.txt` named after `tỉnh` (`tỉnh hà nam`). Only a question with
no capital but its first letter is restored (`qa.search.question_form`): one that has capitals
was typed with care.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from itertools import pairwise

from qa.text.provinces import province_names
from qa.text.syllable import parse_syllable

MAX_WORDS = 3  # the longest run of words looked up (`Khu kinh tế`, `Tập đoàn Điện lực`)
MIN_SEEN = 3  # a form seen once or twice may be a heading's or a title's capitals
ALWAYS = 0.9  # the share of mid-sentence occurrences that must be capitalised
_WORD = re.compile(r"[^\W\d_]+")
_OPENS = set('.!?:;…-•+"“(')  # a word after these may be capitalised for its position


def _runs(text: str) -> Iterable[list[re.Match[str]]]:
    """Runs of words joined by single spaces, each run's first word not opening a sentence."""
    run: list[re.Match[str]] = []
    end = 0
    for match in _WORD.finditer(text):
        gap, first = text[end : match.start()], end == 0
        end = match.end()
        if run and gap == " ":
            run.append(match)
            continue
        if run:
            yield run
        mark = gap.rstrip()  # what stands before the word, white space aside
        # a sentence's first word is capitalised for its place, not itself: it opens no run
        run = [] if (mark[-1] in _OPENS if mark else first) else [match]
    if run:
        yield run


@cache
def _province_after_tinh() -> dict[str, str]:
    return {f"tỉnh {name.lower()}": f"tỉnh {name}" for name in province_names()}


@dataclass(frozen=True)
class CaseTable:
    """Lower-case runs of words → the form with every word capitalised that the corpus always
    gives them (`thái bình` → `Thái Bình`; not `với bộ` → `với Bộ`, half a name)."""

    forms: dict[str, str]

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> CaseTable:
        seen: defaultdict[str, Counter[str]] = defaultdict(Counter)
        for text in texts:
            for run in _runs(text):
                words = [m.group(0) for m in run]
                for size in range(1, MAX_WORDS + 1):
                    for start in range(len(words) - size + 1):
                        form = " ".join(words[start : start + size])
                        seen[form.lower()][form] += 1
        forms = {}
        for lower, counts in seen.items():
            form, count = counts.most_common(1)[0]
            total = sum(counts.values())
            named = all(word[0].isupper() for word in form.split()) and len(form) > 1
            shouted = form.isupper() and parse_syllable(lower) is not None  # OCR's `TO`, `to`
            if named and not shouted and count >= MIN_SEEN and count >= ALWAYS * total:
                forms[lower] = form
        return cls(forms | _province_after_tinh())

    @cached_property
    def names(self) -> frozenset[str]:
        """The lower-case runs that are names wherever they stand (`thái bình`): not a
        province after `tỉnh`, whose first word is a common noun.

        >>> sorted(CaseTable({"thái bình": "Thái Bình", "tỉnh hà nam": "tỉnh Hà Nam"}).names)
        ['thái bình']
        """
        return frozenset(lower for lower, form in self.forms.items() if form[:1].isupper())

    def restore(self, question: str) -> str:
        """`question` (typed in lower case) with the capitals the corpus gives its words.

        >>> table = CaseTable.from_texts(["Tỉnh ủy Thái Bình họp, dự án Thái Bình, Thái Bình."])
        >>> table.restore("kcn thái bình ở tỉnh hà nam?")
        'kcn Thái Bình ở tỉnh Hà Nam?'
        """
        words = list(_WORD.finditer(question))
        pieces: list[str] = []
        cursor = index = 0
        while index < len(words):
            for size in range(min(MAX_WORDS, len(words) - index), 0, -1):
                run = words[index : index + size]
                joined = all(question[a.end() : b.start()] == " " for a, b in pairwise(run))
                form = self.forms.get(question[run[0].start() : run[-1].end()].lower())
                if joined and form is not None:
                    pieces.append(question[cursor : run[0].start()] + form)
                    cursor, index = run[-1].end(), index + size
                    break
            else:
                index += 1
        return "".join(pieces) + question[cursor:]
