"""Pure helpers for the Streamlit page: safe HTML, citations, context windows, exports, filters.

Nothing here touches Streamlit, so every piece is testable on its own; `app.py` only lays
the pieces out. Document text is always HTML-escaped before it is marked up, and `$` is
escaped too, because Streamlit's Markdown would otherwise read `5$ … 7$` as LaTeX.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from qa.answer.compose import Answer, Citation
from qa.config import MAX_QUERY_CHARS
from qa.errors import QueryError
from qa.models import DocumentMeta, Hit
from qa.serialize import answer_to_dict, hit_to_dict, search_to_dict
from qa.text.dates import date_label, date_span
from qa.text.highlight import mark

CSV_FIELDS = (
    "query",
    "kind",
    "n",
    "rank",
    "score",
    "doc_id",
    "doc_title",
    "doc_date",
    "section",
    "page",
    "text",
    "chunk_id",
    "start",
    "end",
)
LATEST_HINT = (
    "Mới nhất: dòng trích từ văn bản có ngày gần nhất trong số các văn bản được trích dẫn ở "
    "câu trả lời này (không phải văn bản mới nhất của cả kho)."
)
SORT_ORDERS = {"rank": "Độ liên quan", "newest": "Ngày ↓", "oldest": "Ngày ↑"}
# Offered as buttons on an empty page; tests/test_examples.py checks each one's answer.
EXAMPLES = (
    "tiến độ KCN Hải Long?",
    "GRDP 9 tháng năm 2023 tăng bao nhiêu?",
    "mục tiêu tỷ lệ đô thị hóa đến năm 2030",
    "sản lượng thủy sản tháng 01 năm 2024",
    "thu ngân sách năm 2023",
)


def html_text(text: str) -> str:
    """Escape document text for `st.markdown(..., unsafe_allow_html=True)`.

    Newlines become `<br>` so a blank line inside a passage cannot end the HTML block and
    drop the rest of it into Markdown; `$` becomes `&#36;` so amounts are not read as LaTeX.
    """
    escaped = html.escape(text, quote=True).replace("$", "&#36;")
    return re.sub(r"\r?\n", "<br>", escaped)


def highlight_html(text: str, terms: Sequence[str]) -> str:
    """`text` escaped, with every query term (any case, any diacritics) in `<mark>`.

    `highlight_html("KCN Hải Long <mới>", ["hai long"])` →
    `"KCN <mark>Hải Long</mark> &lt;mới&gt;"`.
    """
    return mark(text, terms, wrap=lambda s: f"<mark>{s}</mark>", escape=html_text)


def anchor_id(prefix: str, key: str | int) -> str:
    """An HTML id from any key: `src`, `000_b6ed:63847` → `src-000_b6ed-63847`."""
    return f"{prefix}-" + re.sub(r"[^A-Za-z0-9_-]", "-", str(key))


def page_label(page: int | None) -> str:
    """`trang 3`; nothing for files without pages (.txt, .md, .docx)."""
    return f"trang {page}" if page is not None else ""


def citation_place(citation: Citation) -> str:
    """`date — section — page`: where in which version of the document the quote stands."""
    parts = (
        date_label(citation.doc_date),
        citation.section or "(không có mục)",
        page_label(citation.page),
    )
    return " — ".join(p for p in parts if p)


def answer_lines_html(answer: Answer) -> list[str]:
    """Each short answer line as HTML: its date as a chip when several dates speak (the
    newest marked), its lead and text escaped, its `[n]` links to the citations `#cite-n`."""
    dated = len({line.doc_date for line in answer.lines}) > 1
    lines: list[str] = []
    for line in answer.lines:
        chip = ""
        if dated:
            css = "qa-chip qa-chip-latest" if line.latest else "qa-chip"
            label = date_label(line.doc_date) + (", mới nhất" if line.latest else "")
            hint = f' title="{html.escape(LATEST_HINT)}"' if line.latest else ""
            chip = f'<span class="{css}"{hint}>{html.escape(label)}</span> '
        links = "".join(
            f' <a class="qa-cite" href="#{anchor_id("cite", n)}">[{n}]</a>' for n in line.citations
        )
        lead = f'<span class="qa-lead">{html_text(line.lead)}</span>' if line.lead else ""
        lines.append(f"{chip}{lead}{html_text(line.text)}{links}")
    return lines


def context_window(doc_text: str, start: int, end: int, width: int = 600) -> tuple[str, str, str]:
    """(before, passage, after): about `width` characters either side of a chunk span,
    cut at white space so no word is split."""
    start, end = max(0, start), min(len(doc_text), end)
    left = max(0, start - width)
    if left > 0:
        space = doc_text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    right = min(len(doc_text), end + width)
    if right < len(doc_text):
        space = doc_text.rfind(" ", end, right)
        right = space if space != -1 else right
    before = ("…" if left > 0 else "") + doc_text[left:start]
    after = doc_text[end:right] + ("…" if right < len(doc_text) else "")
    return before, doc_text[start:end], after


def friendly_query_error(raw: str, exc: QueryError) -> str:
    """The page's Vietnamese line for a rejected question (the library speaks English)."""
    if not re.search(r"\w", raw or ""):
        return 'Hãy nhập một câu hỏi, ví dụ: "tiến độ KCN Hải Long?"'
    if len(raw) > MAX_QUERY_CHARS:
        size, limit = (f"{n:,}".replace(",", ".") for n in (len(raw), MAX_QUERY_CHARS))
        return (
            f"Câu hỏi quá dài ({size} ký tự; tối đa {limit}). Hãy rút gọn thành một câu hỏi ngắn."
        )
    return f"Câu hỏi chưa hợp lệ: {exc}"


def format_built_at(value: str | None) -> str:
    """`2026-11-24T16:28:53+00:00` → `16:28 24/11/2026 (UTC)`: the day as `date_label` writes
    every full date on the page; unreadable values pass through."""
    if not value:
        return "không rõ"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    zone = f" ({moment.tzname()})" if moment.tzname() else ""
    return f"{moment:%H:%M} {date_label(moment.date().isoformat())}{zone}"


def corpus_months(docs: Iterable[DocumentMeta]) -> list[str]:
    """Every month from the earliest to the latest dated document, as `YYYY-MM` (the steps of
    the period slider, which applies on release, unlike a typed date that waits for blur).

    Documents dated `2023-05-19` and `2023-07` → `["2023-05", "2023-06", "2023-07"]`.
    """
    spans = [s for s in (date_span(d.date) for d in docs) if s]
    if not spans:
        return []
    first: date = min(s[0] for s in spans)
    last: date = max(s[1] for s in spans)
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def sort_hits(hits: Sequence[Hit], order: str) -> list[Hit]:
    """The research results in the order asked (`SORT_ORDERS`); undated documents last,
    ties kept in rank order."""
    if order == "rank":
        return sorted(hits, key=lambda h: h.rank)
    dated = [h for h in hits if date_span(h.doc.date)]
    undated = [h for h in hits if not date_span(h.doc.date)]
    newest_first = order == "newest"

    def day(hit: Hit) -> date:
        span = date_span(hit.doc.date)
        assert span is not None
        return span[1] if newest_first else span[0]

    ranked = sorted(dated, key=lambda h: h.rank)
    return sorted(ranked, key=day, reverse=newest_first) + sorted(undated, key=lambda h: h.rank)


def answer_json(answer: Answer) -> str:
    """The export: the same object as `qa ask --json`."""
    return json.dumps(answer_to_dict(answer), ensure_ascii=False, indent=1)


def search_json(query: str, mode: str, hits: Sequence[Hit]) -> str:
    """The export of the research tab: the same object as `qa search --json`."""
    return json.dumps(search_to_dict(query, mode, list(hits)), ensure_ascii=False, indent=1)


def _csv(rows: Iterable[dict[str, Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel shows Vietnamese letters correctly."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8-sig")


def _hit_rows(query: str, hits: Iterable[Hit]) -> list[dict[str, Any]]:
    return [{**hit_to_dict(h), "query": query, "kind": "passage"} for h in hits]


def answer_csv(answer: Answer) -> bytes:
    """One row per citation (`kind=citation`, the quote in `text`), then one per passage."""
    data = answer_to_dict(answer)
    rows: list[dict[str, Any]] = [
        {**c, "query": answer.query, "kind": "citation", "text": c["quote"]}
        for c in data["citations"]
    ]
    return _csv(rows + _hit_rows(answer.query, answer.hits))


def search_csv(query: str, hits: Sequence[Hit]) -> bytes:
    return _csv(_hit_rows(query, hits))


def short_title(title: str, limit: int = 70) -> str:
    """A title cut at a word for narrow widgets: `Chương trình hành động … năm 2030…`."""
    if len(title) <= limit:
        return title
    cut = title[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


def citation_html(citation: Citation, source_anchor: str | None = None) -> str:
    """One entry of the citation list, the target of the answer's `[n]` links."""
    label = (
        f'<span class="qa-cite-title">{html_text(citation.doc_title)}</span>'
        f'<span class="qa-cite-meta"> — {html_text(citation_place(citation))}</span>'
    )
    jump = (
        f' <a class="qa-jump" href="#{source_anchor}">xem đoạn nguồn ↓</a>' if source_anchor else ""
    )
    return (
        f'<div class="qa-citation" id="{anchor_id("cite", citation.n)}">'
        f'<span class="qa-cite-n">[{citation.n}]</span> {label}'
        f'<div class="qa-quote">“{html_text(citation.quote)}”{jump}</div></div>'
    )


def hit_meta(hit: Hit) -> str:
    """`tháng 09/2023 · báo cáo · Phần thứ nhất › I. … · trang 3 · điểm 0,0328`."""
    parts = [
        date_label(hit.doc.date),
        hit.doc.kind,
        hit.chunk.section or "(không có mục)",
        page_label(hit.chunk.page),
        f"điểm {hit.score:.4f}".replace(".", ","),
    ]
    return " · ".join(p for p in parts if p)


def source_card_html(hit: Hit) -> str:
    """A passage card: rank, document, date/section/page/score, the text with terms marked.

    `data-doc` carries the document id so tests and scripts can read which document it is.
    """
    return (
        f'<div class="qa-src" id="{anchor_id("src", hit.chunk.chunk_id)}" '
        f'data-doc="{html.escape(hit.doc.doc_id)}">'
        f'<div class="qa-src-head"><span class="qa-rank">{hit.rank}</span>'
        f'<span class="qa-src-title">{html_text(hit.doc.title)}</span></div>'
        f'<div class="qa-meta">{html_text(hit_meta(hit))}</div>'
        f'<div class="qa-passage">{highlight_html(hit.chunk.text, hit.terms)}</div></div>'
    )


def context_html(doc_text: str, hit: Hit, width: int = 600) -> str:
    """The passage in its neighbourhood: surrounding text dimmed, the passage marked."""
    before, passage, after = context_window(doc_text, hit.chunk.start, hit.chunk.end, width)
    return (
        f'<div class="qa-context"><span class="qa-dim">{html_text(before)}</span>'
        f'<span class="qa-here">{highlight_html(passage, hit.terms)}</span>'
        f'<span class="qa-dim">{html_text(after)}</span></div>'
    )


def document_html(doc_text: str, start: int, end: int) -> str:
    """The whole document with one passage marked (`id="qa-doc-passage"`, to scroll to)."""
    return (
        f'<div class="qa-doc">{html_text(doc_text[:start])}'
        f'<span class="qa-here" id="qa-doc-passage">{html_text(doc_text[start:end])}</span>'
        f"{html_text(doc_text[end:])}</div>"
    )
