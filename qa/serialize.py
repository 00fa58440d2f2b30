"""The JSON contract of `qa search --json` and `qa ask --json` (and the page's export)."""

from __future__ import annotations

from typing import Any

from qa.answer.compose import Answer
from qa.models import Hit


def hit_to_dict(hit: Hit) -> dict[str, Any]:
    """`{"rank", "score", "chunk_id", "doc_id", "doc_title", "doc_date", "section", "page",
    "text", "start", "end"}` — `text` is `doc_text[start:end]`."""
    return {
        "rank": hit.rank,
        "score": round(float(hit.score), 6),
        "chunk_id": hit.chunk.chunk_id,
        "doc_id": hit.chunk.doc_id,
        "doc_title": hit.doc.title,
        "doc_date": hit.doc.date,
        "section": hit.chunk.section,
        "page": hit.chunk.page,
        "text": hit.chunk.text,
        "start": hit.chunk.start,
        "end": hit.chunk.end,
        "footnote": hit.chunk.footnote,
        "terms": list(hit.terms),
    }


def search_to_dict(query: str, mode: str, hits: list[Hit]) -> dict[str, Any]:
    return {"query": query, "mode": mode, "hits": [hit_to_dict(h) for h in hits]}


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    """`{"query", "answer", "lines", "abstained", "confidence", "notice", "question_type",
    "citations": [...], "hits": [...]}`. `answer` is the short answer lines with `[n]` markers;
    `lines` the same as data (`text`, `citations`, `doc_date`, `latest`, `lead`); each
    citation's `quote` is the full sentence, a verbatim substring of its passage."""
    return {
        "query": answer.query,
        "answer": answer.text,
        "lines": [
            {
                "text": line.text,
                "citations": list(line.citations),
                "doc_date": line.doc_date,
                "latest": line.latest,
                "lead": line.lead,
            }
            for line in answer.lines
        ],
        "abstained": answer.abstained,
        "confidence": round(answer.confidence, 4),
        "notice": answer.notice,
        "question_type": answer.question_type,
        "citations": [
            {
                "n": c.n,
                "doc_id": c.doc_id,
                "doc_title": c.doc_title,
                "doc_date": c.doc_date,
                "section": c.section,
                "page": c.page,
                "quote": c.quote,
                "chunk_id": c.chunk_id,
                "latest": c.latest,
            }
            for c in answer.citations
        ],
        "hits": [hit_to_dict(h) for h in answer.hits],
    }
