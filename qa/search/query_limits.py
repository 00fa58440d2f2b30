"""Bound the work one query can cause: a pasted paragraph is cut to its key words.

Embedding time grows with the query's length (a 2,000-character query took ~10 s to
embed here, a ten-word question well under one), and BM25 gains nothing from a word said
twice. So a query longer than `Settings.query_max_words` keeps its first distinct content
words, in order, and the user is told. Idempotent: a cut query passes through unchanged.

>>> stop = frozenset({"của", "và"})
>>> cut = limit_query("tiến độ của KCN Hải Long và tiến độ KCN Liên Hà", 6, stop)
>>> cut.text
'tiến độ KCN Hải Long Liên'
>>> cut.notice
'Câu hỏi dài 12 từ đã được rút gọn còn 6 từ khoá: tiến độ KCN Hải Long Liên'
"""

from __future__ import annotations

from dataclasses import dataclass

_EDGE_PUNCTUATION = ".,;:!?\"'“”‘’()[]{}«»…-–—"


@dataclass(frozen=True)
class LimitedQuery:
    """The query to run and, when it was cut, the line that tells the user so."""

    text: str
    notice: str | None = None


def limit_query(query: str, max_words: int, stopwords: frozenset[str]) -> LimitedQuery:
    """`query` itself when it has at most `max_words` words, else its first `max_words`
    distinct words that are not stopwords (compared case-insensitively)."""
    words = query.split()
    if len(words) <= max_words:
        return LimitedQuery(query)
    kept: list[str] = []
    seen: set[str] = set()
    for word in words:
        core = word.strip(_EDGE_PUNCTUATION)
        key = core.casefold()
        if not core or key in seen or key in stopwords:
            continue
        seen.add(key)
        kept.append(core)
        if len(kept) == max_words:
            break
    text = " ".join(kept) or " ".join(words[:max_words])
    shown = text if len(text) <= 120 else text[:120].rsplit(" ", 1)[0] + " …"
    notice = f"Câu hỏi dài {len(words)} từ đã được rút gọn còn {len(text.split())} từ khoá: {shown}"
    return LimitedQuery(text, notice)
