"""The page's index panel: build the index when it is missing or stale, show its state, rebuild.

Kept apart from `app.py` so the page stays a thin face: this module owns everything the page
does to the index on disk, `app.py` only asks for a loaded `Searcher`. One build runs at a
time per process (`_BUILD_LOCK`), whichever browser session asks for it: a second request while
one runs is told so instead of queueing another build (across processes, the index's own build
lock says the same). The rebuild button is shown only where the face allows it
(`QA_ALLOW_REBUILD`): anyone who can open a served page could otherwise tie up the machine.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from qa.config import DEFAULT_EMBEDDER, MILVUS_TOKEN_ENV
from qa.errors import IndexMissing, IndexStale, QAError
from qa.index.build import build_index
from qa.index.freshness import check_corpus
from qa.index.store import read_manifest
from qa.page.support import format_built_at
from qa.search.backends.publish import target_for
from qa.search.searcher import Searcher

log = logging.getLogger(__name__)
_BUILD_LOCK = threading.Lock()
BUILD_RUNNING = "Một lần xây dựng chỉ mục khác đang chạy; chưa bắt đầu lần mới."
BACKEND_TOKEN = os.environ.get(MILVUS_TOKEN_ENV, "")  # read once, as `qa` reads it


def embedder_id(index_dir: Path) -> str:
    """Rebuild with the embedder the index already uses, else the default."""
    try:
        return str(read_manifest(index_dir)["embedder"]["id"])
    except (QAError, KeyError, TypeError):
        return DEFAULT_EMBEDDER


def index_is_fresh(index_dir: Path, corpus_dir: Path) -> bool:
    try:
        check_corpus(index_dir, read_manifest(index_dir), corpus_dir)
    except (IndexMissing, IndexStale):
        return False
    return True


def rebuild_index(
    place: DeltaGenerator, index_dir: Path, corpus_dir: Path, force: bool = True
) -> str:
    """Build or update the index with a progress bar in `place`; return a summary line.

    Every cached searcher and result is dropped afterwards, so no session reads the old index.
    """
    bar = place.progress(0.0, text="Đang chờ…")

    def on_progress(fraction: float, message: str) -> None:
        fraction = min(1.0, max(0.0, fraction))
        bar.progress(fraction, text=f"{message} · {fraction:.0%}")

    if not _BUILD_LOCK.acquire(blocking=not force):  # a first build waits; a rebuild does not
        bar.empty()
        return BUILD_RUNNING
    try:
        if not force and index_is_fresh(index_dir, corpus_dir):
            bar.empty()
            return "Chỉ mục đã được xây dựng ở phiên khác."
        report = build_index(
            corpus_dir,
            index_dir,
            embedder_id(index_dir),
            progress=False,
            on_progress=on_progress,
            publisher=target_for(
                index_dir, None, None, None, token=BACKEND_TOKEN
            ),  # a Milvus index stays one
        )
    finally:
        _BUILD_LOCK.release()
    st.cache_resource.clear()
    st.cache_data.clear()
    bar.empty()
    skipped = f"; bỏ qua {len(report.errors)} tệp lỗi" if report.errors else ""
    return (
        f"Đã xây dựng chỉ mục: {report.documents} tài liệu, {report.chunks} đoạn "
        f"({report.embedded} đoạn mới được mã hoá) trong {report.seconds:.1f} giây{skipped}."
    )


def ensure_searcher(load: Callable[[str], Searcher], index_dir: Path, corpus_dir: Path) -> Searcher:
    """The cached Searcher from `load`; build the index first when it is missing or stale."""
    try:
        searcher = load(str(index_dir))
        if not st.session_state.get("corpus_checked"):
            check_corpus(searcher.index_dir, searcher.manifest, corpus_dir)
            st.session_state.corpus_checked = True
        return searcher
    except IndexMissing:
        reason = "Chưa có chỉ mục"
    except IndexStale as exc:
        log.info("index stale: %s", exc)
        reason = "Chỉ mục không khớp với kho tài liệu hiện tại"
    except QAError as exc:  # e.g. the embedder the index names cannot be loaded
        st.error(f"Không mở được chỉ mục {index_dir}: {exc}")
        st.stop()
    box = st.container(border=True)
    box.info(
        f"{reason}: đang xây dựng chỉ mục từ thư mục `{corpus_dir}`. "
        "Lần đầu mất khoảng một đến hai phút; các lần sau chỉ xử lý phần thay đổi.",
        icon=":material/construction:",
    )
    try:
        st.session_state.flash = rebuild_index(box, index_dir, corpus_dir, force=False)
    except QAError as exc:
        box.error(f"Không xây dựng được chỉ mục: {exc}")
        st.stop()
    st.session_state.corpus_checked = True
    st.rerun()


def index_status(searcher: Searcher, corpus_dir: Path, allow_rebuild: bool) -> None:
    """The sidebar's index panel: counts, model, build time, and (if allowed) the rebuild
    button."""
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
    if not allow_rebuild:
        st.caption("Chỉ mục được cập nhật bởi người quản trị (`qa index`).")
        return
    if st.button("Xây dựng lại chỉ mục", icon=":material/refresh:", use_container_width=True):
        try:
            summary = rebuild_index(st.container(), searcher.index_dir, corpus_dir)
        except QAError as exc:
            st.error(f"Không xây dựng được chỉ mục: {exc}")
            return
        if summary == BUILD_RUNNING:
            st.info(summary, icon=":material/hourglass_top:")
            return
        st.session_state.flash = summary
        st.session_state.corpus_checked = True
        st.rerun()
