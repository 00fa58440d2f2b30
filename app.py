"""Hỏi đáp văn bản: the Streamlit page, a thin face over `qa.retrieve` and `qa.answer`.

Run with `streamlit run app.py`. `QA_INDEX` and `QA_CORPUS` point it at another index and
corpus (defaults `index/default` and `corpus` next to this file). The index is loaded once
per process; when it is missing or older than the corpus, the page builds it with a
progress bar. A question is kept in the URL (`?q=…`), so a link reopens its answer.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

import streamlit as st

from qa.answer import ABSTAIN_TEXT, Answer
from qa.app_support import (
    anchor_id,
    answer_csv,
    answer_json,
    answer_lines_html,
    citation_html,
    context_html,
    date_bounds,
    document_html,
    format_built_at,
    friendly_query_error,
    hits_table,
    latest_doc_ids,
    search_csv,
    search_json,
    short_title,
    source_card_html,
)
from qa.ask import ask as ask_question
from qa.config import DEFAULT_CORPUS, DEFAULT_EMBEDDER, DEFAULT_INDEX
from qa.dates import date_label
from qa.errors import IndexMissing, IndexStale, QAError, QueryError
from qa.index import build_index
from qa.llm import LLMConfig
from qa.models import Hit
from qa.retrieve import Filters, Searcher
from qa.store import read_manifest

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent
INDEX_DIR = Path(os.environ.get("QA_INDEX") or ROOT / DEFAULT_INDEX)
CORPUS_DIR = Path(os.environ.get("QA_CORPUS") or ROOT / DEFAULT_CORPUS)
LLM = LLMConfig.from_env()  # QA_LLM_URL + QA_LLM_MODEL, read once, exactly as `qa ask` does
EXAMPLES = (
    "tiến độ KCN Hải Long?",
    "GRDP 9 tháng năm 2023 tăng bao nhiêu?",
    "mục tiêu tỷ lệ đô thị hóa đến năm 2030",
    "sản lượng thủy sản tháng 01 năm 2024",
    "thu ngân sách năm 2023",
)
MODES = {"hybrid": "Kết hợp", "bm25": "BM25", "dense": "Ngữ nghĩa"}
CSS = """<style>
.qa-answer p {font-size: 1.3rem; font-weight: 500; line-height: 1.55; margin: .3rem 0 .4rem 0;}
.qa-lead {color: #8a5a00; font-weight: 400;}
.qa-cite, .qa-cite:visited {color: #b3261e; font-weight: 600; text-decoration: none;
  font-size: .9em; white-space: nowrap;}
.qa-cite:hover, .qa-jump:hover {text-decoration: underline;}
.qa-chip {display: inline-block; background: #eef1f5; color: #3c4858; border-radius: 10px;
  padding: 0 .5rem; font-size: .8rem; margin-right: .25rem; vertical-align: 1px;}
.qa-chip-latest {background: #e3f2e8; color: #1b6b35;}
.qa-badge {display: inline-block; background: #e3f2e8; color: #1b6b35; border-radius: 10px;
  padding: 0 .5rem; font-size: .75rem; font-weight: 600; margin-left: .4rem; vertical-align: 1px;}
.qa-citation {border-left: 3px solid #b3261e; background: #fafafa; padding: .45rem .8rem;
  margin: 0 0 .5rem 0; border-radius: 0 6px 6px 0; font-size: .92rem; scroll-margin-top: 4rem;}
.qa-cite-n {font-weight: 700; color: #b3261e; margin-right: .2rem;}
.qa-quote {color: #2f3640; margin-top: .25rem; font-style: italic;}
.qa-jump, .qa-jump:visited {font-style: normal; font-size: .8rem; color: #5f6b7a;
  margin-left: .4rem; text-decoration: none; white-space: nowrap;}
.qa-src {scroll-margin-top: 4rem;}
.qa-src-head {font-weight: 600; font-size: 1rem; margin-bottom: .15rem;}
.qa-rank {display: inline-block; min-width: 1.6rem; height: 1.6rem; line-height: 1.6rem;
  text-align: center; border-radius: 50%; background: #b3261e; color: white; font-size: .8rem;
  margin-right: .5rem;}
.qa-meta {color: #5f6b7a; font-size: .82rem; margin-bottom: .45rem;}
.qa-passage, .qa-context {line-height: 1.6; font-size: .95rem;}
.qa-passage mark, .qa-context mark {background: #fff0a8; padding: 0 .1rem; border-radius: 3px;}
.qa-dim {color: #8a94a3;}
.qa-here {background: #fdf6e3; border-bottom: 2px solid #e8c96b;}
.qa-doc {white-space: normal; line-height: 1.6; font-size: .93rem;}
.qa-muted {color: #5f6b7a; font-size: .9rem;}
.qa-cite-title {font-weight: 600;}
.qa-cite-meta {color: #5f6b7a;}
[data-testid="stAppDeployButton"] {display: none;}
</style>"""


@st.cache_resource(show_spinner=False)
def load_searcher(index_dir: str) -> Searcher:
    """The loaded index, once per process; the embedder is warmed so no question waits for it."""
    searcher = Searcher(Path(index_dir))
    ask_question(searcher, "tiến độ KCN Hải Long?", k=3)
    return searcher


@st.cache_resource
def build_lock() -> threading.Lock:
    """One build at a time, whichever session asks."""
    return threading.Lock()


@st.cache_data(max_entries=256, show_spinner=False)
def cached_hits(
    index_dir: str, built_at: str, query: str, k: int, mode: str, doc_ids: tuple[str, ...] | None
) -> list[Hit]:
    """Search results by (index build, question, options): a rerun never re-embeds a query."""
    return load_searcher(index_dir).search(query, k, mode, Filters(doc_ids=doc_ids or ()))


@st.cache_data(max_entries=256, show_spinner=False)
def cached_answer(
    index_dir: str, built_at: str, query: str, k: int, mode: str, doc_ids: tuple[str, ...] | None
) -> Answer:
    """The answer through `qa.ask.ask`, as `qa ask` gives it (the LLM too when configured)."""
    filters = Filters(doc_ids=doc_ids or ())
    return ask_question(load_searcher(index_dir), query, k=k, mode=mode, filters=filters, llm=LLM)


def embedder_id() -> str:
    """Rebuild with the embedder the index already uses, else the default."""
    try:
        return str(read_manifest(INDEX_DIR)["embedder"]["id"])
    except (QAError, KeyError, TypeError):
        return DEFAULT_EMBEDDER


def rebuild_index(place: st.delta_generator.DeltaGenerator, force: bool = True) -> str:
    """Build or update the index with a progress bar in `place`; return a summary line."""
    bar = place.progress(0.0, text="Đang chờ…")

    def on_progress(fraction: float, message: str) -> None:
        fraction = min(1.0, max(0.0, fraction))
        bar.progress(fraction, text=f"{message} · {fraction:.0%}")

    with build_lock():
        if not force and index_is_fresh():
            bar.empty()
            return "Chỉ mục đã được xây dựng ở phiên khác."
        report = build_index(
            CORPUS_DIR, INDEX_DIR, embedder_id(), progress=False, on_progress=on_progress
        )
    load_searcher.clear()
    cached_hits.clear()
    cached_answer.clear()
    bar.empty()
    skipped = f"; bỏ qua {len(report.errors)} tệp lỗi" if report.errors else ""
    return (
        f"Đã xây dựng chỉ mục: {report.documents} tài liệu, {report.chunks} đoạn "
        f"({report.embedded} đoạn mới được mã hoá) trong {report.seconds:.1f} giây{skipped}."
    )


def index_is_fresh() -> bool:
    try:
        Searcher(INDEX_DIR).check_corpus(CORPUS_DIR)
    except (IndexMissing, IndexStale):
        return False
    return True


def ensure_searcher() -> Searcher:
    """The cached Searcher; build the index first when it is missing or stale."""
    try:
        searcher = load_searcher(str(INDEX_DIR))
        if not st.session_state.get("corpus_checked"):
            searcher.check_corpus(CORPUS_DIR)
            st.session_state.corpus_checked = True
        return searcher
    except IndexMissing:
        reason = "Chưa có chỉ mục"
    except IndexStale as exc:
        log.info("index stale: %s", exc)
        reason = "Chỉ mục không khớp với kho tài liệu hiện tại"
    except QAError as exc:  # e.g. the embedder the index names cannot be loaded
        st.error(f"Không mở được chỉ mục {INDEX_DIR}: {exc}")
        st.stop()
    box = st.container(border=True)
    box.info(
        f"{reason}: đang xây dựng chỉ mục từ thư mục `{CORPUS_DIR}`. "
        "Lần đầu mất khoảng một đến hai phút; các lần sau chỉ xử lý phần thay đổi.",
        icon=":material/construction:",
    )
    try:
        st.session_state.flash = rebuild_index(box, force=False)
    except QAError as exc:
        box.error(f"Không xây dựng được chỉ mục: {exc}")
        st.stop()
    st.session_state.corpus_checked = True
    st.rerun()


def index_key(searcher: Searcher) -> tuple[str, str]:
    """What the result caches are keyed by: a rebuilt index never serves old results."""
    return str(searcher.index_dir), str(searcher.manifest.get("built_at", ""))


def sidebar(searcher: Searcher) -> tuple[str, int, tuple[str, ...] | None]:
    """Mode, passage count and the documents the filters leave (None = no filter)."""
    with st.sidebar:
        st.subheader("Tìm kiếm")
        mode = st.segmented_control(
            "Chế độ",
            list(MODES),
            format_func=MODES.__getitem__,
            default="hybrid",
            key="mode",
            required=True,
            help="BM25: khớp từ khoá. Ngữ nghĩa: vector e5, bắt được cách diễn đạt khác. "
            "Kết hợp: cả hai, hợp nhất thứ hạng (khuyên dùng).",
        )
        k = st.slider("Số đoạn nguồn", 3, 20, 8, key="k")

        st.subheader("Bộ lọc")
        docs = searcher.docs
        chosen = st.multiselect(
            "Tài liệu",
            sorted(docs, key=lambda d: docs[d].date or "", reverse=True),
            format_func=lambda d: f"{short_title(docs[d].title, 60)} ({date_label(docs[d].date)})",
            key="f_docs",
            placeholder="Tất cả tài liệu",
        )
        kinds = st.multiselect(
            "Loại văn bản",
            sorted({d.kind for d in docs.values()}),
            key="f_kinds",
            placeholder="Tất cả các loại",
        )
        period = None
        bounds = date_bounds(docs.values())
        if bounds:
            value = st.date_input(
                "Khoảng thời gian",
                value=bounds,
                min_value=bounds[0],
                max_value=bounds[1],
                format="DD/MM/YYYY",
                key="f_dates",
            )
            if isinstance(value, tuple) and len(value) == 2 and tuple(value) != bounds:
                period = (value[0], value[1])
        filters = Filters(
            tuple(chosen),
            tuple(kinds),
            period[0].isoformat() if period else None,
            period[1].isoformat() if period else None,
        )
        doc_ids = None if filters == Filters() else searcher.matching_documents(filters)
        if doc_ids is not None:
            st.caption(f"Đang tìm trong {len(doc_ids)}/{len(docs)} tài liệu.")

        st.subheader("Chỉ mục")
        index_status(searcher)
    return str(mode or "hybrid"), int(k), doc_ids


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


def index_status(searcher: Searcher) -> None:
    manifest = searcher.manifest
    counts = manifest.get("counts", {})
    left, right = st.columns(2)
    left.metric("Tài liệu", counts.get("documents", len(searcher.docs)))
    right.metric("Đoạn", counts.get("chunks", len(searcher.chunks)))
    seconds = manifest.get("build_seconds")
    st.caption(
        f"Mô hình: `{manifest.get('embedder', {}).get('id', '?')}`  \n"
        f"Xây dựng lúc: {format_built_at(manifest.get('built_at'))}  \n"
        f"Thời gian xây dựng: {seconds if seconds is not None else '?'} giây"
    )
    flash = st.session_state.pop("flash", None)
    if flash:
        st.success(flash, icon=":material/check_circle:")
    if st.button("Xây dựng lại chỉ mục", icon=":material/refresh:", use_container_width=True):
        try:
            st.session_state.flash = rebuild_index(st.container())
        except QAError as exc:
            st.error(f"Không xây dựng được chỉ mục: {exc}")
            return
        st.session_state.corpus_checked = True
        st.rerun()


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


def render_hit(searcher: Searcher, hit: Hit, latest: bool, key: str) -> None:
    with st.container(border=True):
        st.markdown(source_card_html(hit, latest), unsafe_allow_html=True)
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
        st.info(
            f"**{ABSTAIN_TEXT}** Các đoạn gần nhất vẫn được liệt kê bên dưới để bạn tự đối chiếu.",
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
        with st.container(border=True):
            st.markdown("##### Trả lời")
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
    latest = latest_doc_ids(h.doc for h in hits)
    for hit in hits:
        render_hit(searcher, hit, hit.doc.doc_id in latest, "qa")


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


def no_documents_left(doc_ids: tuple[str, ...] | None) -> bool:
    """The filters exclude every document: say so instead of searching everything."""
    if doc_ids == ():
        st.warning("Không có tài liệu nào khớp với bộ lọc; hãy nới rộng bộ lọc ở thanh bên.")
        return True
    return False


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
    if submitted:
        st.session_state.active_q = st.session_state.get("question", "")
    raw = st.session_state.get("active_q")
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
    started = time.perf_counter()
    try:
        answer = cached_answer(*index_key(searcher), query, k, mode, doc_ids)
    except QAError as exc:
        st.warning(str(exc))
        return
    render_answer(searcher, answer, time.perf_counter() - started)


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
        "lời). Bấm vào tiêu đề cột để sắp xếp, chọn một dòng để xem đoạn văn đầy đủ; tải kết "
        "quả về dạng CSV hoặc JSON.",
    )
    if query is None or no_documents_left(doc_ids):
        return
    started = time.perf_counter()
    try:
        hits = cached_hits(*index_key(searcher), query, int(st.session_state.rk), mode, doc_ids)
    except QAError as exc:
        st.warning(str(exc))
        return
    elapsed = time.perf_counter() - started
    with st.container(horizontal=True, vertical_alignment="center"):
        seconds = f"{elapsed:.2f}".replace(".", ",")
        st.caption(f"{len(hits)} đoạn · :material/timer: {seconds} giây · chế độ {MODES[mode]}")
        export_buttons("tra-cuu", search_json(query, mode, hits), search_csv(query, hits))
    event = st.dataframe(
        hits_table(hits),
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key="search-table",
        row_height=72,
        height=min(40 + 72 * max(1, len(hits)), 620),
        column_config={
            "Hạng": st.column_config.NumberColumn(width=50),
            "Điểm": st.column_config.NumberColumn(format="%.4f", width=68),
            "Tài liệu": st.column_config.TextColumn(width=180),
            "Ngày": st.column_config.TextColumn(width=82),
            "Mục": st.column_config.TextColumn(width=160),
            "Trang": st.column_config.TextColumn(width=54),
            "Trích đoạn": st.column_config.TextColumn(width=390),
        },
    )
    rows = event.selection.rows if event is not None else []
    if rows and rows[0] < len(hits):
        render_hit(searcher, hits[rows[0]], False, "search")


def main() -> None:
    st.set_page_config(
        page_title="Hỏi đáp văn bản", page_icon=":material/quick_reference_all:", layout="wide"
    )
    st.html(CSS)
    if "booted" not in st.session_state:
        st.session_state.booted = True
        shared = st.query_params.get("q")
        if shared:
            st.session_state.question = shared
            st.session_state.active_q = shared
    st.title("Hỏi đáp văn bản")
    searcher = ensure_searcher()
    counts = searcher.manifest.get("counts", {})
    documents = counts.get("documents", len(searcher.docs))
    chunks = counts.get("chunks", len(searcher.chunks))
    st.caption(
        f"Tra cứu ngữ nghĩa và hỏi đáp có trích dẫn trên {documents} văn bản ({chunks} đoạn). "
        "Câu trả lời là trích dẫn "
        "nguyên văn, kèm nguồn để đối chiếu."
    )
    mode, k, doc_ids = sidebar(searcher)
    ask_tab, search_tab = st.tabs(["Hỏi đáp", "Tra cứu"])
    with ask_tab:
        question_tab(searcher, mode, k, doc_ids)
    with search_tab:
        research_tab(searcher, mode, doc_ids)
    view = st.session_state.pop("doc_view", None)
    if view and view[0] in searcher.docs:
        show_document(searcher, *view)


main()
