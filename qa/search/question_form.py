"""One form for a question however it was typed: capitals, a first letter, repeated marks.

Why: `TIẾN ĐỘ KCN HẢI LONG?` is the question `tiến độ KCN Hải Long?`, but every capitalised
syllable read as a name the documents must hold, and the query vector moved with the case:
typed in capitals, 286 of the 350 answerable tune questions abstained. `tiến độ …` and
`Tiến độ …`, `…?` and `…???!!!` also gave different answers. Search terms were always
lower-cased; the question the composer reads and the text the model embeds now are too, as
far as that is safe: words typed in capitals become lower case unless they are no Vietnamese
syllable (`KCN`, `GRDP`, `VSIP`, `29-NQ/TW` stay), the first letter becomes a capital (the
case a report's sentence and most questions have), and a run of `?`/`!` becomes one mark
against the word before it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

from qa.config import MAX_QUERY_CHARS
from qa.errors import QueryError
from qa.search.truecase import CaseTable
from qa.text.syllable import parse_syllable

# terms that frame a question, not its topic: the composer does not weigh them, the passage
# highlighter does not mark them (`có … không`, `bao nhiêu`)
QUESTION_WORDS = frozenset(
    [
        *("bao_nhiêu", "bao", "nhiêu", "mấy", "nào", "gì", "sao", "thế_nào", "ra_sao", "là"),
        *("đâu", "khi_nào", "bao_giờ", "ai", "như_thế_nào", "những", "có", "không", "hiện_nay"),
        "loại",  # `loại thép gì`: the classifier of a `what kind` question, as `những` is
    ]
)
_WORD = re.compile(r"[^\W\d_]+")
_MARKS = re.compile(r"\s*[?!](?:\s*[?!])*")


def _marks(match: re.Match[str]) -> str:
    return "?" if "?" in match.group(0) else "!"


def _unshouted(text: str) -> str:
    """Lower-case a question typed in capitals, keeping what is no syllable (`KCN`). The first
    letter does not count: it is made a capital anyway (`a?ĐỘ` is read as `A?ĐỘ` is)."""
    if any(ch.islower() for ch in text[1:]):
        return text
    words = _WORD.findall(text)
    if not any(parse_syllable(word) is not None for word in words):
        return text  # `GRDP 2023?`: abbreviations and numbers only

    def lower(match: re.Match[str]) -> str:
        word = match.group(0)
        return word.lower() if parse_syllable(word) is not None else word

    return _WORD.sub(lower, text)


def _abbreviations_restored(text: str, abbreviations: Collection[str]) -> str:
    """`kcn`, `grdp` typed in lower case are the abbreviations `KCN`, `GRDP` when the lexicon
    knows them and they are no Vietnamese syllable (`tp` stays: the lexicon's rule)."""
    if not abbreviations:
        return text

    def restored(match: re.Match[str]) -> str:
        word = match.group(0)
        upper = word.upper()
        known = word.islower() and upper in abbreviations and parse_syllable(word) is None
        return upper if known else word

    return _WORD.sub(restored, text)


def canonical_question(
    text: str, abbreviations: Collection[str] = (), cases: CaseTable | None = None
) -> str:
    """The question as search and the answer composer read it; `abbreviations`: the
    lexicon's (`Lexicon.abbreviations`), restored when typed in lower case; `cases`: the
    corpus's capitals, given back to a question typed all in lower case.

    >>> canonical_question("TIẾN ĐỘ KCN HẢI LONG???!!!")
    'Tiến độ KCN hải long?'
    >>> canonical_question("tiến độ KCN Hải Long?")
    'Tiến độ KCN Hải Long?'
    >>> canonical_question("GRDP 2023 ?")
    'GRDP 2023?'
    """
    text = _unshouted(text)
    if cases is not None and not any(ch.isupper() for ch in text[1:]):
        text = cases.restore(text)
    text = _MARKS.sub(_marks, _abbreviations_restored(text, abbreviations))
    return text[:1].upper() + text[1:]


def clean_query(
    query: str, abbreviations: Collection[str] = (), cases: CaseTable | None = None
) -> str:
    """Strip control characters and check length; empty or huge queries are errors. The
    result is in `canonical_question` form, so the case it was typed in does not matter."""
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in query)
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    if not re.search(r"\w", text):
        raise QueryError('empty query: type a question, e.g. "tiến độ KCN Hải Long?"')
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long ({len(text)} characters; at most {MAX_QUERY_CHARS})")
    return canonical_question(text, abbreviations, cases)
