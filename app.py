"""Hỏi đáp văn bản: the Streamlit page, a thin face over `qa.search` and `qa.answer.ask`.

Run with `streamlit run app.py`. `QA_INDEX` and `QA_CORPUS` point it at another index and
corpus (defaults `index/default` and `corpus` next to this file). The index is loaded once
per process; when it is missing or older than the corpus, the page builds it with a
progress bar. A question is kept in the URL (`?q=…`), so a link reopens its answer.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import streamlit as st

from qa.answer.ask import ask as ask_question
from qa.answer.compose import ABSTAIN_TEXT, Answer
from qa.answer.llm import LLMConfig
from qa.config import DEFAULT_CORPUS, DEFAULT_INDEX
from qa.errors import QAError, QueryError
from qa.models import Hit
from qa.page.index_panel import BACKEND_TOKEN, ensure_searcher
from qa.page.sidebar import MODES, sidebar
from qa.page.support import (
    EXAMPLES,
    LATEST_HINT,
    SORT_ORDERS,
    anchor_id,
    answer_csv,
    answer_json,
    answer_lines_html,
    citation_html,
    context_html,
    document_html,
    friendly_query_error,
    search_csv,
    search_json,
    sort_hits,
    source_card_html,
)
from qa.search.searcher import Filters, Searcher
from qa.text.dates import date_label

ROOT = Path(__file__).resolve().parent
STATIC = ROOT / "static"
INDEX_DIR = Path(os.environ.get("QA_INDEX") or ROOT / DEFAULT_INDEX)
CORPUS_DIR = Path(os.environ.get("QA_CORPUS") or ROOT / DEFAULT_CORPUS)
LLM = LLMConfig.from_env()  # QA_LLM_URL + QA_LLM_MODEL, read once, exactly as `qa ask` does
# The rebuild button only where allowed (`make app` on a workstation): a served page is not a
# place from which any visitor may tie up the machine.
ALLOW_REBUILD = os.environ.get("QA_ALLOW_REBUILD", "").lower() in ("1", "true", "yes")


@st.cache_resource(show_spinner=False)
def load_searcher(index_dir: str) -> Searcher:
    """The loaded index, once per process; the embedder is warmed so no question waits for it."""
    searcher = Searcher(Path(index_dir), backend_token=BACKEND_TOKEN)
    ask_question(searcher, "tiến độ KCN Hải Long?", k=3)
    return searcher


@st.cache_data(max_entries=256, show_spinner=False)
def cached_hits(
    index_dir: str, built_at: str, query: str, k: int, mode: str, doc_ids: tuple[str, ...] | None
) -> tuple[list[Hit], float]:
    """Search results by (index build, question, options), with the seconds the search took:
    a rerun never re-embeds a query, and still shows what the search cost (not ~0 s)."""
    started = time.perf_counter()
    hits = load_searcher(index_dir).search(query, k, mode, Filters(doc_ids=doc_ids or ()))
    return hits, time.perf_counter() - started


@st.cache_data(max_entries=256, show_spinner=False)
def cached_answer(
    index_dir: str, built_at: str, query: str, k: int, mode: str, doc_ids: tuple[str, ...] | None
) -> tuple[Answer, float]:
    """The answer through `qa.answer.ask`, as `qa ask` gives it (the LLM too when configured),
    with the seconds it took to answer (kept, like `cached_hits`)."""
    filters = Filters(doc_ids=doc_ids or ())
    started = time.perf_counter()
    searcher = load_searcher(index_dir)
    answer = ask_question(searcher, query, k=k, mode=mode, filters=filters, llm=LLM)
    return answer, time.perf_counter() - started


def index_key(searcher: Searcher) -> tuple[str, str]:
    """What the result caches are keyed by: a rebuilt index never serves old results."""
    return str(searcher.index_dir), str(searcher.manifest.get("built_at", ""))


def export_buttons(stem: str, json_text: str, csv_bytes: bytes) -> None:
    """JSON and CSV downloads of one result; they never rerun the page."""
    for label, data, mime in (
        ("JSON", json_text, "application/json"),
        ("CSV", csv_bytes, "text/csv"),
    ):
        st.download_button(
            label,
            data,
            file_name=f"{stem}.{label.lower()}",
            mime=mime,
            icon=":material/download:",
            on_click="ignore",
            key=f"dl-{stem}-{label.lower()}",
        )


def ask(question: str) -> None:
    """Example button: put the question in the box and answer it."""
    st.session_state.question = question
    st.session_state.active_q = question


def open_document(doc_id: str, start: int, end: int) -> None:
    st.session_state.doc_view = (doc_id, start, end)


@st.dialog("Toàn văn tài liệu", width="large")
def show_document(searcher: Searcher, doc_id: str, start: int, end: int) -> None:
    meta = searcher.docs[doc_id]
    st.markdown(f"**{meta.title}**")
    st.caption(f"{meta.kind} · {meta.issuer} · {date_label(meta.date)} · `{meta.source_path}`")
    with st.container(height=560):
        st.markdown(document_html(searcher.doc_texts[doc_id], start, end), unsafe_allow_html=True)
    st.html(
        "<script>setTimeout(() => document.getElementById('qa-doc-passage')"
        "?.scrollIntoView({block: 'center'}), 300);</script>",
        unsafe_allow_javascript=True,
    )


def render_hit(searcher: Searcher, hit: Hit, key: str) -> None:
    with st.container(border=True):
        st.markdown(source_card_html(hit), unsafe_allow_html=True)
        with st.expander("Ngữ cảnh xung quanh"):
            text = searcher.doc_texts.get(hit.doc.doc_id, hit.chunk.text)
            st.markdown(context_html(text, hit), unsafe_allow_html=True)
            st.button(
                "Mở toàn văn tài liệu",
                key=f"{key}-doc-{hit.chunk.chunk_id}",
                icon=":material/article:",
                on_click=open_document,
                args=(hit.doc.doc_id, hit.chunk.start, hit.chunk.end),
            )


def render_answer(searcher: Searcher, answer: Answer, elapsed: float) -> None:
    hits = list(answer.hits)
    anchors = {h.chunk.chunk_id: anchor_id("src", h.chunk.chunk_id) for h in hits}
    if answer.abstained:
        reason = f" {answer.notice}" if answer.notice else ""
        st.info(
            f"**{ABSTAIN_TEXT}**{reason} Các đoạn gần nhất vẫn được liệt kê bên dưới để bạn tự "
            "đối chiếu.",
            icon=":material/info:",
        )
    else:
        by_n = {c.n: c for c in answer.citations}
        shown: set[int] = set()
        blocks = []
        for line, line_html in zip(answer.lines, answer_lines_html(answer), strict=True):
            blocks.append(f"<p>{line_html}</p>")
            for n in (n for n in line.citations if n in by_n and n not in shown):
                shown.add(n)  # the proof: the full quoted sentence under its short answer
                blocks.append(citation_html(by_n[n], anchors.get(by_n[n].chunk_id)))
        marked = any(line.latest for line in answer.lines)
        with st.container(border=True):
            st.markdown("##### Trả lời", help=LATEST_HINT if marked else None)
            if answer.notice:
                st.caption(answer.notice)
            st.markdown(f'<div class="qa-answer">{"".join(blocks)}</div>', unsafe_allow_html=True)

    with st.container(horizontal=True, vertical_alignment="center"):
        st.caption(
            f":material/timer: {elapsed:.2f} giây · {len(hits)} đoạn nguồn".replace(".", ",")
        )
        export_buttons("hoi-dap", answer_json(answer), answer_csv(answer))

    st.markdown("##### Các đoạn gần nhất" if answer.abstained else "##### Đoạn nguồn")
    if not hits:
        st.caption("Không có đoạn nào khớp với câu hỏi và bộ lọc hiện tại.")
    for hit in hits:
        render_hit(searcher, hit, "qa")


def cleaned_query(raw: str | None, intro: str) -> str | None:
    """The query to run, or None after showing why not: the tab's intro before any question,
    a friendly warning for an empty, huge or garbled one."""
    if raw is None:
        st.markdown(f'<p class="qa-muted">{intro}</p>', unsafe_allow_html=True)
        return None
    try:
        query = load_searcher(str(INDEX_DIR)).prepare_query(raw)  # a long one is cut
    except QueryError as exc:
        st.warning(friendly_query_error(raw, exc), icon=":material/edit_note:")
        return None
    if query.notice:
        st.info(query.notice, icon=":material/content_cut:")
        return query.text
    return raw.strip()  # as typed: the answer and the shared link echo it; search reads it alike


def no_documents_left(doc_ids: tuple[str, ...] | None) -> bool:
    """The filters exclude every document: say so instead of searching everything."""
    if doc_ids == ():
        st.warning("Không có tài liệu nào khớp với bộ lọc; hãy nới rộng bộ lọc ở thanh bên.")
        return True
    return False


def example_buttons() -> None:
    with st.container(horizontal=True, gap="small"):
        for number, example in enumerate(EXAMPLES):
            st.button(
                example,
                key=f"example-{number}",
                on_click=ask,
                args=(example,),
                type="tertiary",
                icon=":material/chat_bubble:",
            )


def question_tab(searcher: Searcher, mode: str, k: int, doc_ids: tuple[str, ...] | None) -> None:
    with st.form("ask-form", border=False):
        box, button = st.columns([9, 1], vertical_alignment="bottom")
        box.text_input(
            "Câu hỏi",
            key="question",
            label_visibility="collapsed",
            placeholder="Đặt câu hỏi về nội dung văn bản, ví dụ: tiến độ KCN Hải Long?",
        )
        submitted = button.form_submit_button("Hỏi", type="primary", use_container_width=True)
    if submitted:
        st.session_state.active_q = st.session_state.get("question", "")
    raw = st.session_state.get("active_q")
    if raw is None:
        example_buttons()
    else:  # once a question is asked, its answer comes first (on a phone: on the first screen)
        with st.expander("Câu hỏi mẫu", icon=":material/chat_bubble:"):
            example_buttons()
    query = cleaned_query(
        raw,
        "Mỗi câu trả lời là các câu trích nguyên văn từ văn bản, kèm số trích dẫn [n] dẫn tới "
        "tài liệu, ngày, mục và trang. Khi tài liệu không đủ căn cứ, hệ thống nói rõ là không "
        "tìm thấy và vẫn liệt kê các đoạn gần nhất.",
    )
    if query is None:
        if raw is not None and "q" in st.query_params:
            del st.query_params["q"]
        return
    st.query_params["q"] = query
    if no_documents_left(doc_ids):
        return
    try:
        answer, seconds = cached_answer(*index_key(searcher), query, k, mode, doc_ids)
    except QAError as exc:
        st.warning(str(exc))
        return
    render_answer(searcher, answer, seconds)


def research_tab(searcher: Searcher, mode: str, doc_ids: tuple[str, ...] | None) -> None:
    with st.form("search-form", border=False):
        box, size, button = st.columns([7, 2, 1], vertical_alignment="bottom")
        box.text_input(
            "Từ khoá hoặc câu hỏi",
            key="rquery",
            placeholder="ví dụ: khu công nghiệp, nhà ở xã hội, chuyển đổi số…",
        )
        size.number_input("Số kết quả", 5, 100, 30, step=5, key="rk")
        submitted = button.form_submit_button("Tìm", type="primary", use_container_width=True)
    if submitted:
        st.session_state.active_rq = st.session_state.get("rquery", "")
    query = cleaned_query(
        st.session_state.get("active_rq"),
        "Tra cứu trả về tới 100 đoạn văn xếp hạng theo độ liên quan (không tổng hợp câu trả "
        "lời), mỗi đoạn đầy đủ kèm ngữ cảnh và toàn văn tài liệu; sắp xếp theo độ liên quan "
        "hoặc theo ngày, tải kết quả về dạng CSV hoặc JSON.",
    )
    if query is None or no_documents_left(doc_ids):
        return
    try:
        hits, elapsed = cached_hits(
            *index_key(searcher), query, int(st.session_state.rk), mode, doc_ids
        )
    except QAError as exc:
        st.warning(str(exc))
        return
    with st.container(horizontal=True, vertical_alignment="center"):
        seconds = f"{elapsed:.2f}".replace(".", ",")
        st.caption(f"{len(hits)} đoạn · :material/timer: {seconds} giây · chế độ {MODES[mode]}")
        export_buttons("tra-cuu", search_json(query, mode, hits), search_csv(query, hits))
    order = st.segmented_control(
        "Sắp xếp",
        list(SORT_ORDERS),
        format_func=SORT_ORDERS.__getitem__,
        default="rank",
        key="r_order",
        required=True,
        help="Ngày ↓: văn bản gần đây trước. Ngày ↑: văn bản cũ trước. "
        "Cùng ngày thì theo độ liên quan.",
    )
    for hit in sort_hits(hits, str(order or "rank")):
        render_hit(searcher, hit, "search")


def main() -> None:
    st.set_page_config(
        page_title="Hỏi đáp văn bản", page_icon=str(STATIC / "icon.svg"), layout="wide"
    )
    st.html(f"<style>{(STATIC / 'style.css').read_text(encoding='utf-8')}</style>")
    if "booted" not in st.session_state:
        st.session_state.booted = True
        shared = st.query_params.get("q")
        if shared:
            st.session_state.question = shared
            st.session_state.active_q = shared
    st.title("Hỏi đáp văn bản")
    searcher = ensure_searcher(load_searcher, INDEX_DIR, CORPUS_DIR)
    counts = searcher.manifest.get("counts", {})
    documents = counts.get("documents", len(searcher.docs))
    chunks = counts.get("chunks", len(searcher.chunks))
    st.markdown(
        f'<p class="qa-lede">Tra cứu ngữ nghĩa và hỏi đáp có trích dẫn trên {documents} văn bản '
        f"({chunks} đoạn). Câu trả lời là trích dẫn nguyên văn, kèm nguồn để đối chiếu.</p>",
        unsafe_allow_html=True,
    )
    mode, k, doc_ids = sidebar(searcher, CORPUS_DIR, ALLOW_REBUILD)
    ask_tab, search_tab = st.tabs(["Hỏi đáp", "Tra cứu"])
    with ask_tab:
        question_tab(searcher, mode, k, doc_ids)
    with search_tab:
        research_tab(searcher, mode, doc_ids)
    view = st.session_state.pop("doc_view", None)
    if view and view[0] in searcher.docs:
        show_document(searcher, *view)


main()
