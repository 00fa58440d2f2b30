"""Find and mark query terms in passages, ignoring case and diacritics (for CLI and page)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from qa.text.normalize import fold_diacritics, has_diacritics, lost_marks
from qa.text.syllable import spelling_form


def term_spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Non-overlapping spans of `terms` in `text`; `hai long` finds `Hải Long`, and `hải long`
    finds `hai long` (marks lost) but `dê` does not find `để` (another word). Words compare in
    the spelling search uses (`spelling_form`): the term `tỷ lệ` finds `tỉ lệ`, `hóa` `hoá`.
    When any term has marks the question was typed with them, so a word that has none is that
    word: `ra` of `xảy ra` does not find `rà` of `rà soát`.

    Folding and that spelling keep string length for Vietnamese letters (one code point each
    in NFC), so spans found in the folded text are valid in the original.

    >>> text = "Tổng đàn lợn; không để lây lan; Thai Binh; Thái Binh; tỉ lệ"
    >>> [text[a:b] for a, b in term_spans(text, ["dê", "đàn", "thái bình", "tỷ lệ"])]
    ['đàn', 'Thai Binh', 'Thái Binh', 'tỉ lệ']
    >>> text = "không xảy ra vi phạm; rà soát"
    >>> [text[a:b] for a, b in term_spans(text, ["xảy", "ra"])], term_spans(text, ["ra"])
    (['xảy', 'ra'], [(10, 12), (22, 24)])
    """
    spelled = spelling_form(text).lower()
    folded = fold_diacritics(spelled)
    if len(folded) != len(text):
        return []
    accented = any(has_diacritics(term) for term in terms)
    spans: list[tuple[int, int]] = []
    for term in sorted(terms, key=len, reverse=True):
        typed = spelling_form(term).lower().strip()
        needle = fold_diacritics(typed)
        if not needle:
            continue
        for match in re.finditer(rf"(?<!\w){re.escape(needle)}(?!\w)", folded):
            found = spelled[match.start() : match.end()]
            if (typed != needle or accented) and not lost_marks(found, typed):
                continue  # typed with marks, and these are another word's
            if all(match.end() <= s or match.start() >= e for s, e in spans):
                spans.append((match.start(), match.end()))
    return sorted(spans)


def mark(
    text: str, terms: Sequence[str], wrap: Callable[[str], str], escape: Callable[[str], str] = str
) -> str:
    """`text` with each term occurrence wrapped, the rest passed through `escape`."""
    out: list[str] = []
    cursor = 0
    for start, end in term_spans(text, terms):
        out.append(escape(text[cursor:start]))
        out.append(wrap(escape(text[start:end])))
        cursor = end
    out.append(escape(text[cursor:]))
    return "".join(out)


def snippet(text: str, terms: Sequence[str], words: int = 40) -> str:
    """About `words` words of `text` around its first matched term, with `…` where cut."""
    spans = term_spans(text, terms)
    tokens = list(re.finditer(r"\S+", text))
    if len(tokens) <= words:
        return " ".join(t.group(0) for t in tokens)
    first = spans[0][0] if spans else 0
    centre = next((i for i, t in enumerate(tokens) if t.end() > first), 0)
    start = max(0, min(centre - words // 3, len(tokens) - words))
    piece = " ".join(t.group(0) for t in tokens[start : start + words])
    return ("…" if start > 0 else "") + piece + ("…" if start + words < len(tokens) else "")
