"""The page's sidebar: search mode, passage count, filters and the index panel."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from qa.page.index_panel import index_status
from qa.page.support import corpus_months, short_title
from qa.search.searcher import Filters, Searcher
from qa.text.dates import date_label

MODES = {"hybrid": "Kết hợp", "bm25": "BM25", "dense": "Ngữ nghĩa"}


def sidebar(
    searcher: Searcher, corpus_dir: Path, allow_rebuild: bool
) -> tuple[str, int, tuple[str, ...] | None]:
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
        k = st.slider(
            "Số đoạn nguồn (tab Hỏi đáp)",
            3,
            20,
            8,
            key="k",
            help="Số đoạn văn dùng để trả lời và liệt kê ở tab Hỏi đáp. "
            "Tab Tra cứu có ô Số kết quả riêng (tới 100 đoạn).",
        )

        st.subheader("Bộ lọc")
        docs = searcher.docs
        chosen = st.multiselect(
            "Tài liệu",
            sorted(docs, key=lambda d: docs[d].date or "", reverse=True),
            format_func=lambda d: f"{short_title(docs[d].title, 60)} ({date_label(docs[d].date)})",
            key="f_docs",
            placeholder="Tất cả tài liệu",
            select_all=False,
        )
        kinds = st.multiselect(
            "Loại văn bản",
            sorted({d.kind for d in docs.values()}),
            key="f_kinds",
            placeholder="Tất cả các loại",
            select_all=False,
        )
        after = before = None
        months = corpus_months(docs.values())
        if len(months) > 1:
            value = st.select_slider(
                "Khoảng thời gian",
                months,
                value=(months[0], months[-1]),
                format_func=date_label,
                key="f_months",
                help="Giữ các tài liệu có ngày nằm trong khoảng các tháng đã chọn.",
            )
            if tuple(value) != (months[0], months[-1]):
                after, before = str(value[0]), str(value[1])
        filters = Filters(tuple(chosen), tuple(kinds), after, before)
        doc_ids = None if filters == Filters() else searcher.matching_documents(filters)
        if doc_ids is not None:
            st.caption(f"Đang tìm trong {len(doc_ids)}/{len(docs)} tài liệu.")

        st.subheader("Chỉ mục")
        index_status(searcher, corpus_dir, allow_rebuild)
    return str(mode or "hybrid"), int(k), doc_ids
