"""The Streamlit page (`app.py`) through AppTest, and its pure helpers (`qa/page/support.py`)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from streamlit.testing.v1 import AppTest

from qa.answer.compose import ABSTAIN_TEXT, Answer, AnswerLine, Citation
from qa.errors import QueryError
from qa.index.freshness import check_corpus
from qa.index.store import read_manifest
from qa.models import Chunk, DocumentMeta, Hit
from qa.page.support import (
    LATEST_HINT,
    answer_csv,
    answer_json,
    answer_lines_html,
    citation_html,
    context_window,
    corpus_months,
    format_built_at,
    friendly_query_error,
    highlight_html,
    html_text,
    sort_hits,
    source_card_html,
)

if TYPE_CHECKING:
    from conftest import BuiltIndex

APP = Path(__file__).resolve().parents[1] / "app.py"
DOC_004 = "004_75266ca73367f016"
REPORT_9_MONTHS = "000_b6ed24a3f5e55b80"


@pytest.fixture
def app(built_index: BuiltIndex, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("QA_INDEX", str(built_index.index))
    monkeypatch.setenv("QA_CORPUS", str(built_index.corpus))
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    assert not at.exception
    return at


def ask(at: AppTest, question: str) -> AppTest:
    at.text_input(key="question").input(question)
    next(b for b in at.button if b.label == "Hỏi").click().run()
    assert not at.exception, at.exception
    return at


def markdown_with(at: AppTest, css_class: str) -> list[str]:
    return [m.value for m in at.markdown if f'class="{css_class}"' in m.value]


def source_docs(at: AppTest) -> list[str]:
    return [d for m in markdown_with(at, "qa-src") for d in re.findall(r'data-doc="([^"]+)"', m)]


def test_answer_cites_the_nine_month_report(app: AppTest) -> None:
    ask(app, "tiến độ KCN Hải Long?")
    answer = markdown_with(app, "qa-answer")
    assert len(answer) == 1 and "[1]" in answer[0]
    assert 'href="#cite-1"' in answer[0]
    citations = markdown_with(app, "qa-citation")
    assert any("9 tháng" in c and "2023" in c for c in citations)
    assert REPORT_9_MONTHS in source_docs(app)
    assert len(source_docs(app)) == app.slider(key="k").value
    assert app.query_params["q"] == "tiến độ KCN Hải Long?"
    assert not app.warning


def test_document_filter_narrows_sources(app: AppTest) -> None:
    app.multiselect(key="f_docs").set_value([DOC_004]).run()
    ask(app, "tiến độ KCN Hải Long?")
    docs = source_docs(app)
    assert docs and set(docs) == {DOC_004}


def test_period_filter_keeps_month_dated_documents(app: AppTest) -> None:
    period = app.select_slider(key="f_months")
    assert period.value == ("2023-05", "2024-01")  # the seed corpus's first and last month
    period.set_value(("2023-09", "2023-09")).run()
    ask(app, "GRDP 9 tháng năm 2023 tăng bao nhiêu?")
    assert set(source_docs(app)) == {REPORT_9_MONTHS}


def test_examples_fold_away_once_a_question_is_asked(app: AppTest) -> None:
    assert not [e for e in app.expander if e.label == "Câu hỏi mẫu"]
    ask(app, "tiến độ KCN Hải Long?")
    assert [e for e in app.expander if e.label == "Câu hỏi mẫu"]


@pytest.mark.parametrize(
    "question",
    ["", "   ", "\x00\x07\x1b", "?!…", "x" * 100_000, "tiến độ " * 20_000],
    ids=["empty", "spaces", "control", "punctuation", "100KB", "long-words"],
)
def test_bad_input_warns_without_error(app: AppTest, question: str) -> None:
    ask(app, question)
    assert app.warning, "a friendly warning"
    assert not app.exception
    assert not markdown_with(app, "qa-answer")
    assert "q" not in app.query_params


def test_odd_characters_still_answer(app: AppTest) -> None:
    ask(app, "tiến\u200b độ\x00 KCN <b>Hải Long</b> 🙂 $5$?")
    assert not app.warning
    assert source_docs(app)


def test_abstains_and_still_lists_passages(app: AppTest) -> None:
    ask(app, "giá vàng thế giới hôm nay")
    assert any(ABSTAIN_TEXT in info.value for info in app.info)
    assert not markdown_with(app, "qa-answer")
    assert source_docs(app)


def test_shared_link_runs_the_question(
    built_index: BuiltIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QA_INDEX", str(built_index.index))
    monkeypatch.setenv("QA_CORPUS", str(built_index.corpus))
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["q"] = "GRDP 9 tháng năm 2023 tăng bao nhiêu?"
    at.run()
    assert not at.exception
    assert at.text_input(key="question").value == "GRDP 9 tháng năm 2023 tăng bao nhiêu?"
    assert "7,72%" in markdown_with(at, "qa-answer")[0]


def test_example_button_and_modes(app: AppTest) -> None:
    next(b for b in app.button if b.label == "mục tiêu tỷ lệ đô thị hóa đến năm 2030").click().run()
    assert "40%" in markdown_with(app, "qa-answer")[0]
    for mode in ("bm25", "dense"):
        app.segmented_control(key="mode").set_value(mode).run()
        assert not app.exception
        assert source_docs(app)


def test_research_tab_lists_whole_passages(app: AppTest) -> None:
    app.text_input(key="rquery").input("khu công nghiệp")
    app.number_input(key="rk").set_value(60)
    next(b for b in app.button if b.label == "Tìm").click().run()
    assert not app.exception
    cards = markdown_with(app, "qa-src")
    ranks = [int(r) for c in cards for r in re.findall(r'class="qa-rank">(\d+)<', c)]
    assert ranks == list(range(1, 61))
    assert all('class="qa-passage"' in c for c in cards)
    app.segmented_control(key="r_order").set_value("newest").run()
    cards = markdown_with(app, "qa-src")
    assert len(cards) == 60 and "tháng 01/2024" in cards[0]


def test_stale_index_is_rebuilt_on_the_page(
    built_index: BuiltIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index, corpus = tmp_path / "index", tmp_path / "corpus"
    shutil.copytree(built_index.index, index)
    shutil.copytree(built_index.corpus, corpus)
    with (corpus / f"{DOC_004}.txt").open("a", encoding="utf-8") as handle:
        handle.write(
            "\n\nĐiều 5. Khu công nghiệp Hải Long hoàn thành giải phóng mặt bằng năm 2024.\n"
        )
    monkeypatch.setenv("QA_INDEX", str(index))
    monkeypatch.setenv("QA_CORPUS", str(corpus))
    monkeypatch.setenv("QA_ALLOW_REBUILD", "1")
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    assert not at.exception
    assert any("Đã xây dựng chỉ mục" in s.value for s in at.success)
    check_corpus(index, read_manifest(index), corpus)  # fresh now
    next(b for b in at.button if b.label == "Xây dựng lại chỉ mục").click().run()
    assert not at.exception
    assert any("0 đoạn mới" in s.value for s in at.success)


def test_a_served_page_offers_no_rebuild_unless_allowed(
    built_index: BuiltIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QA_INDEX", str(built_index.index))
    monkeypatch.setenv("QA_CORPUS", str(built_index.corpus))
    for allowed, shown in (("", False), ("0", False), ("1", True)):
        monkeypatch.setenv("QA_ALLOW_REBUILD", allowed)
        at = AppTest.from_file(str(APP), default_timeout=120).run()
        assert not at.exception
        assert any(b.label == "Xây dựng lại chỉ mục" for b in at.button) is shown, allowed


class _Bar:
    def progress(self, *args: object, **kwargs: object) -> _Bar:
        return self

    def empty(self) -> None:
        pass


def test_a_rebuild_is_not_started_while_another_runs(
    built_index: BuiltIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    import qa.page.index_panel

    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("a second build was started")

    monkeypatch.setattr(qa.page.index_panel, "build_index", no_build)
    with qa.page.index_panel._BUILD_LOCK:  # another session's build is running
        summary = qa.page.index_panel.rebuild_index(_Bar(), built_index.index, built_index.corpus)  # type: ignore[arg-type]
    assert summary == qa.page.index_panel.BUILD_RUNNING


# Pure helpers: no index needed.


def _hit(rank: int, doc_id: str, date_: str | None, text: str, terms: tuple[str, ...] = ()) -> Hit:
    doc = DocumentMeta(
        doc_id, f"Báo cáo {doc_id}", date_, "báo cáo", "UBND", f"corpus/{doc_id}.txt"
    )
    chunk = Chunk(f"{doc_id}:{rank}", doc_id, text, 10, 10 + len(text), "I › 1", page=3)
    return Hit(rank, 0.5 / rank, chunk, doc, terms)


def _answer() -> Answer:
    hits = (
        _hit(1, "a", "2023-09", "KCN Hải Long đã khởi công.", ("hải long",)),
        _hit(2, "b", "2024-01", "Đẩy nhanh KCN Hải Long.", ("hải long",)),
    )
    citations = (
        Citation(1, "a:1", "a", "Báo cáo a", "2023-09", "I › 1", 3, "KCN Hải Long đã khởi công."),
        Citation(
            2, "b:2", "b", "Báo cáo b", "2024-01", "I › 1", None, "Đẩy nhanh KCN Hải Long.", True
        ),
    )
    lines = (
        AnswerLine("KCN Hải Long đã khởi công", (1,), "2023-09"),
        AnswerLine("Đẩy nhanh KCN Hải Long", (2,), "2024-01", latest=True),
    )
    return Answer("tiến độ KCN Hải Long?", lines, False, citations, hits, 0.9)


def test_highlight_ignores_case_and_diacritics_and_escapes() -> None:
    marked = highlight_html("<b>KCN HẢI LONG</b> & hai long; Hải Longg $5", ["hải long"])
    assert marked.count("<mark>") == 2
    assert "&lt;b&gt;KCN <mark>HẢI LONG</mark>&lt;/b&gt;" in marked
    assert "<mark>hai long</mark>" in marked and "Hải Longg" in marked
    assert "$" not in marked and "&amp;" in marked
    # typed with its marks, a word is not marked where the text has another word's
    goats = highlight_html("không để lây lan; tổng đàn dê", ["dê"])
    assert goats.count("<mark>") == 1 and "<mark>dê</mark>" in goats


def test_html_text_keeps_one_block() -> None:
    assert html_text("a\n\nb <i>") == "a<br><br>b &lt;i&gt;"


def test_answer_lines_link_markers_to_citations() -> None:
    first, second = answer_lines_html(_answer())
    assert first.endswith('<a class="qa-cite" href="#cite-1">[1]</a>')
    assert '<span class="qa-chip">tháng 09/2023</span>' in first
    assert "qa-chip-latest" in second and "mới nhất" in second


def test_json_export_follows_the_cli_contract() -> None:
    data = json.loads(answer_json(_answer()))
    assert {"query", "answer", "abstained", "citations", "hits"} <= set(data)
    assert {"n", "doc_id", "doc_title", "doc_date", "section", "page", "quote"} <= set(
        data["citations"][0]
    )
    hit_keys = {"rank", "score", "chunk_id", "doc_id", "doc_title", "doc_date", "section", "page"}
    assert hit_keys | {"text", "start", "end"} <= set(data["hits"][0])


def test_csv_export_has_citations_then_passages() -> None:
    raw = answer_csv(_answer())
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["kind"] for r in rows] == ["citation", "citation", "passage", "passage"]
    assert rows[0]["text"] == "KCN Hải Long đã khởi công." and rows[2]["rank"] == "1"


def test_context_window_cuts_at_spaces() -> None:
    text = "một hai ba bốn năm sáu bảy tám chín mười"
    start = text.index("năm")
    before, passage, after = context_window(text, start, start + 3, width=8)
    assert passage == "năm"
    assert before == "…ba bốn " and after == " sáu…"


def test_latest_has_one_meaning_explained() -> None:
    """`mới nhất` marks only the newest cited line, with its explanation as a tooltip; cited
    entries and source cards carry no second badge."""
    answer = _answer()
    first, second = answer_lines_html(answer)
    assert "mới nhất" not in first and "title=" not in first
    assert f'title="{LATEST_HINT}"' in second
    assert all("mới nhất" not in citation_html(c) for c in answer.citations)
    assert all("mới nhất" not in source_card_html(h) for h in answer.hits)


def test_corpus_months_span_every_month() -> None:
    docs = [
        DocumentMeta("a", "A", "2023-11-19", "báo cáo", "", ""),
        DocumentMeta("b", "B", "2024-02", "nghị quyết", "", ""),
        DocumentMeta("c", "C", None, "báo cáo", "", ""),
    ]
    assert corpus_months(docs) == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert corpus_months(docs[2:]) == []


def test_sort_hits_by_date_keeps_rank_within_a_day() -> None:
    hits = [
        _hit(1, "a", "2023-09", "x"),
        _hit(2, "b", None, "x"),
        _hit(3, "c", "2024-01", "x"),
        _hit(4, "d", "2023-09", "x"),
    ]
    assert [h.rank for h in sort_hits(hits, "newest")] == [3, 1, 4, 2]
    assert [h.rank for h in sort_hits(hits, "oldest")] == [1, 4, 3, 2]
    assert [h.rank for h in sort_hits(hits[::-1], "rank")] == [1, 2, 3, 4]


def test_full_dates_share_one_format() -> None:
    assert format_built_at("2026-11-24T16:28:53+00:00") == "16:28 24/11/2026 (UTC)"
    assert format_built_at("2026-11-24T16:28:53") == "16:28 24/11/2026"


def test_friendly_query_errors_are_vietnamese() -> None:
    exc = QueryError("x")
    assert "Hãy nhập" in friendly_query_error(" \x00", exc)
    assert "100.000 ký tự" in friendly_query_error("x" * 100_000, exc)


def test_a_long_question_is_cut_with_a_notice(app: AppTest) -> None:
    pasted = " ".join(
        ["Hội đồng nhân dân tỉnh Thái Bình thông qua nghị quyết về KCN Hải Long"] * 25
    )
    ask(app, pasted)
    assert any("rút gọn còn" in info.value for info in app.info)
    assert not app.warning and source_docs(app)


def test_a_rerun_shows_the_seconds_the_answer_took_not_the_cache_lookup(app: AppTest) -> None:
    ask(app, "tiến độ KCN Hải Long?")

    def timing() -> str:
        return next(c.value for c in app.caption if "giây" in c.value)

    first = timing()
    assert re.search(r"\d+,\d\d giây", first) and "0,00 giây" not in first
    app.run()  # any widget click reruns the page; the answer comes from the cache
    assert timing() == first
