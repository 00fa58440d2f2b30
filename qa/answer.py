"""Extractive answers with citations: the sentences of the top passages that answer the question.

Every sentence of an answer is a verbatim quote of a retrieved passage followed by `[n]`;
when several documents speak, their sentences are ordered by document date (a small
timeline) and the latest is marked. Weak evidence → an honest abstention, passages still shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.chunk import sentence_spans
from qa.config import Settings
from qa.dates import date_label
from qa.headings import detect_heading
from qa.models import Hit
from qa.normalize import fold_diacritics
from qa.question import Question, SentenceJudge, analyse
from qa.segment import Segmenter

ABSTAIN_TEXT = "Không tìm thấy thông tin đủ tin cậy trong tài liệu."
MAX_SENTENCES = 3
PASSAGES_READ = 5
NUMBER_MISSING_FACTOR = 0.5  # a `bao nhiêu` question answered by a sentence without the number
_STATUS_WORDS = re.compile(
    r"\b(đã|đang|hoàn thành|hoàn thiện|khởi công|động thổ|chấp thuận|phê duyệt|đẩy nhanh|"
    r"triển khai|thành lập|giải ngân|đạt|chậm)\b"
)
_PLAN_WORDS = re.compile(r"\b(phấn đấu|mục tiêu|đến năm|đạt|trên|dưới|khoảng|bình quân)\b")
_NOTHING = re.compile(r"(?!)")
_TYPE_WORDS = {"status": _STATUS_WORDS, "plan": _PLAN_WORDS}


@dataclass(frozen=True)
class Citation:
    """`[n] document title — date — section — page`, with the exact quoted sentence."""

    n: int
    chunk_id: str
    doc_id: str
    doc_title: str
    doc_date: str | None
    section: str
    page: int | None
    quote: str
    latest: bool = False


@dataclass(frozen=True)
class Answer:
    """What `qa ask` prints and the page shows."""

    query: str
    text: str
    abstained: bool
    citations: tuple[Citation, ...]
    hits: tuple[Hit, ...]
    confidence: float = 0.0
    notice: str | None = None
    question_type: str = "fact"


@dataclass(frozen=True)
class _Candidate:
    hit: Hit
    quote: str
    score: float
    coverage: float
    key: frozenset[str]


def _candidates(question: Question, hits: list[Hit], judge: SentenceJudge) -> list[_Candidate]:
    result: list[_Candidate] = []
    for hit in hits[:PASSAGES_READ]:
        text = hit.chunk.text
        context = f"{hit.doc.title}\n{hit.doc.issuer}\n{hit.chunk.section}"
        for start, end in sentence_spans(text):
            quote = text[start:end].strip()
            if len(quote.split()) < 4 or (detect_heading(quote) is not None and len(quote) < 160):
                continue
            coverage = judge.coverage(quote, context)
            if question.kind == "number" and not judge.gives_number(quote):
                coverage *= NUMBER_MISSING_FACTOR
            bonus = 0.1 if _TYPE_WORDS.get(question.kind, _NOTHING).search(quote.lower()) else 0.0
            rank_prior = 0.15 / hit.rank
            key = frozenset(fold_diacritics(quote).lower().split())
            result.append(_Candidate(hit, quote, coverage + bonus + rank_prior, coverage, key))
    return sorted(result, key=lambda c: -c.score)


def _near_duplicate(a: frozenset[str], b: frozenset[str]) -> bool:
    return len(a & b) / max(1, len(a | b)) > 0.6


def compose_answer(
    question: str, hits: list[Hit], segmenter: Segmenter, settings: Settings | None = None
) -> Answer:
    """Pick the answering sentences from `hits` and cite them; abstain on weak evidence."""
    settings = settings or Settings()
    chosen: list[_Candidate] = []
    asked = analyse(question, segmenter)
    candidates = _candidates(asked, hits, SentenceJudge(asked, segmenter))
    confidence = candidates[0].coverage if candidates else 0.0
    if confidence < settings.abstain_below:
        return Answer(
            question,
            ABSTAIN_TEXT,
            True,
            (),
            tuple(hits),
            confidence,
            question_type=asked.kind,
        )
    best = candidates[0].score
    for candidate in candidates:
        if len(chosen) == MAX_SENTENCES or candidate.score < 0.75 * best:
            break
        if any(_near_duplicate(candidate.key, c.key) for c in chosen):
            continue
        chosen.append(candidate)
    chosen.sort(key=lambda c: (c.hit.doc.date or "", c.hit.chunk.start))
    dates = {c.hit.doc.date for c in chosen}
    latest_date = max((d or "" for d in dates), default="")
    multi = len({c.hit.doc.doc_id for c in chosen}) > 1
    citations = []
    lines = []
    for n, candidate in enumerate(chosen, start=1):
        doc = candidate.hit.doc
        is_latest = multi and (doc.date or "") == latest_date
        citations.append(
            Citation(
                n,
                candidate.hit.chunk.chunk_id,
                doc.doc_id,
                doc.title,
                doc.date,
                candidate.hit.chunk.section,
                candidate.hit.chunk.page,
                candidate.quote,
                is_latest,
            )
        )
        prefix = f"({date_label(doc.date)}{', mới nhất' if is_latest else ''}) " if multi else ""
        lines.append(f"{prefix}{candidate.quote} [{n}]")
    return Answer(
        question,
        "\n".join(lines),
        False,
        tuple(citations),
        tuple(hits),
        confidence,
        question_type=asked.kind,
    )
