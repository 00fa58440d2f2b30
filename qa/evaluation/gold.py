"""The gold set and the relevance judgement: which passages answer a gold question.

A passage is relevant to a question when it contains one of the question's evidence spans.
Evidence strings are quoted from the raw corpus files, so both sides are compared in one
form: `matching_form`, diacritics folded, footnote superscripts dropped, spaces collapsed
(`"GRDP … ước đạt 47.411 tỷ đồng¹"` contains `"grdp … uoc dat 47.411 ty dong"`). The OCR
document is indexed after repair while its evidence keeps the damage (`"kim ngạch xuầt Miau
đat 172 triệu USD"`), so passages of damaged documents also match fuzzily: the best window
of the passage reaches a difflib ratio of at least `FUZZY_RATIO`.

Every question belongs to a split: `tune` (tuning may look at it) or `heldout` (reported,
never tuned on); eval/README.md states the rule that assigns it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from qa.errors import QAError
from qa.models import Chunk
from qa.text.normalize import collapse_spaces, fold_diacritics, matching_form

FUZZY_RATIO = 0.85
TYPES = (
    "fact",
    "status",
    "plan",
    "paraphrase",
    "everyday",
    "abbreviation",
    "no-diacritics",
    "footnote",
    "ocr",
    "multi-document",
    "unanswerable",
)
SPLITS = ("tune", "heldout")
SPLIT_CHOICES = (*SPLITS, "all")
_SUPERSCRIPT_DIGITS = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹]")


class EvalError(QAError):
    """The gold file or an evaluation option cannot be used."""


@dataclass(frozen=True)
class GoldItem:
    """One gold question; `evidence` quotes the raw corpus, `answer` is None when unanswerable."""

    id: str
    question: str
    answer: str | None
    evidence: tuple[str, ...]
    doc_ids: tuple[str, ...]
    type: str
    split: str = "tune"  # "tune" (tuning may look) or "heldout" (reported, never tuned on)

    @property
    def answerable(self) -> bool:
        return self.answer is not None


def load_gold(path: Path) -> list[GoldItem]:
    """Read a gold JSON Lines file; a missing file or malformed line is an EvalError.

    A line without `split` belongs to `tune`, so an old gold file still loads.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvalError(f"cannot read gold file {path}: {exc.strerror or exc}") from exc
    items: list[GoldItem] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            items.append(
                GoldItem(
                    id=str(row["id"]),
                    question=str(row["question"]),
                    answer=None if row.get("answer") is None else str(row["answer"]),
                    evidence=tuple(str(e) for e in row.get("evidence", ())),
                    doc_ids=tuple(str(d) for d in row.get("doc_ids", ())),
                    type=str(row.get("type", "fact")),
                    split=str(row.get("split", "tune")),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise EvalError(f"{path}:{number}: not a gold item ({exc})") from exc
        if items[-1].split not in SPLITS:
            raise EvalError(f"{path}:{number}: split must be tune or heldout, not {row['split']!r}")
    if not items:
        raise EvalError(f"gold file {path} has no questions")
    return items


def select_split(items: Sequence[GoldItem], split: str) -> list[GoldItem]:
    """The questions of one split (`"all"`: every question); an empty selection is an error."""
    if split not in SPLIT_CHOICES:
        raise EvalError(f"unknown split {split!r}; use {', '.join(SPLIT_CHOICES)}")
    chosen = [i for i in items if split == "all" or i.split == split]
    if not chosen:
        raise EvalError(f"the gold file has no {split} questions")
    return chosen


def comparable(text: str) -> str:
    """The one form evidence and passages are compared in: `"Hoá  đạt¹"` → `"hoa dat"`."""
    text = _SUPERSCRIPT_DIGITS.sub("", text)
    return collapse_spaces(fold_diacritics(matching_form(text)))


def partial_ratio(needle: str, haystack: str) -> float:
    """Best difflib ratio of `needle` against a window of `haystack` of the same length.

    Windows are anchored on the matching blocks difflib finds, as fuzzywuzzy's
    `partial_ratio` does: `partial_ratio("xuat miau dat", "… xuat khau dat 172 …")` ≈ 0.85.
    """
    if not needle or not haystack:
        return 0.0
    if needle in haystack:
        return 1.0
    if len(haystack) <= len(needle):
        return SequenceMatcher(None, needle, haystack, autojunk=False).ratio()
    blocks = SequenceMatcher(None, needle, haystack, autojunk=False).get_matching_blocks()
    best = 0.0
    window = SequenceMatcher(None, autojunk=False)
    window.set_seq2(needle)
    seen: set[int] = set()
    for a, b, size in blocks:
        if size == 0:
            continue
        start = max(0, min(b - a, len(haystack) - len(needle)))
        if start in seen:
            continue
        seen.add(start)
        window.set_seq1(haystack[start : start + len(needle)])
        best = max(best, window.ratio())
        if best == 1.0:
            break
    return best


@lru_cache(maxsize=65536)
def _comparable_cached(text: str) -> str:
    return comparable(text)


def spans_in_passage(
    evidence: Sequence[str], passage: str, fuzzy: bool = False, threshold: float = FUZZY_RATIO
) -> frozenset[int]:
    """Indices of the evidence spans found in `passage` (exactly, or fuzzily when asked)."""
    text = _comparable_cached(passage)
    found = set()
    for i, span in enumerate(evidence):
        needle = _comparable_cached(span)
        if not needle:
            continue
        if needle in text or (fuzzy and partial_ratio(needle, text) >= threshold):
            found.add(i)
    return frozenset(found)


class RelevanceJudge:
    """Which evidence spans of a question a passage holds; cached per (question, chunk id).

    `fuzzy_docs` are the documents whose indexed text was repaired from OCR damage: only
    their passages are matched fuzzily, and only for questions citing that document.
    """

    def __init__(self, fuzzy_docs: Iterable[str] = (), threshold: float = FUZZY_RATIO) -> None:
        self.fuzzy_docs = frozenset(fuzzy_docs)
        self.threshold = threshold
        self._cache: dict[tuple[str, str], frozenset[int]] = {}

    def spans(self, item: GoldItem, chunk: Chunk) -> frozenset[int]:
        key = (item.id, chunk.chunk_id)
        cached = self._cache.get(key)
        if cached is None:
            fuzzy = chunk.doc_id in self.fuzzy_docs and chunk.doc_id in item.doc_ids
            cached = spans_in_passage(item.evidence, chunk.text, fuzzy, self.threshold)
            self._cache[key] = cached
        return cached

    def relevant(self, item: GoldItem, chunk: Chunk) -> bool:
        return bool(self.spans(item, chunk))
