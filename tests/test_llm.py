"""Generative answers: grounded markers kept, markers pointing nowhere dropped, fallback, and
figures the sources do not state replaced by the extractive answer (a local fake server)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from qa.answer.ask import ask, faithful
from qa.answer.compose import compose_answer
from qa.answer.kinds_of_things import bundled_kinds
from qa.answer.llm import LLMConfig, generate_answer
from qa.config import Settings
from qa.index.segment import Segmenter
from qa.models import Chunk, DocumentMeta, Hit
from qa.search.query_limits import LimitedQuery
from qa.search.truecase import CaseTable

REPLY = {"text": ""}


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        json.loads(self.rfile.read(length))
        body = json.dumps({"choices": [{"message": {"content": REPLY["text"]}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[LLMConfig]:
    server = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LLMConfig(f"http://127.0.0.1:{server.server_port}/v1", "test-model")
    server.shutdown()


def _extractive(
    text: str = "Chỉ đạo đẩy nhanh tiến độ triển khai KCN Hải Long. Lúa Xuân được mùa.",
    question: str = "tiến độ KCN Hải Long",
):  # type: ignore[no-untyped-def]
    meta = DocumentMeta("a", "Báo cáo 9 tháng", "2023-09", "báo cáo", "UBND", "a.txt")
    hit = Hit(1, 1.0, Chunk("a:0", "a", text, 0, len(text), "I"), meta)
    return compose_answer(question, [hit], Segmenter())


BUDGET = (
    "Thu ngân sách nhà nước ước đạt 5.120 tỷ đồng, tăng 8,3% so với cùng kỳ. "
    "Chi ngân sách địa phương ước đạt 9.870 tỷ đồng."
)


def test_grounded_sentences_are_kept_and_ungrounded_dropped(endpoint: LLMConfig) -> None:
    REPLY["text"] = (
        "KCN Hải Long đang được đẩy nhanh tiến độ [1]. Dự án đã xong [7]. Không có nguồn."
    )
    answer = generate_answer(_extractive(), endpoint)
    assert answer.text == "KCN Hải Long đang được đẩy nhanh tiến độ. [1]"
    assert [c.n for c in answer.citations] == [1]
    assert answer.citations[0].quote == "Chỉ đạo đẩy nhanh tiến độ triển khai KCN Hải Long."
    assert "test-model" in (answer.notice or "")


def test_reply_without_valid_markers_falls_back(endpoint: LLMConfig) -> None:
    REPLY["text"] = "Tôi nghĩ là xong rồi [9]."
    extractive = _extractive()
    answer = generate_answer(extractive, endpoint)
    assert answer.text == extractive.text and answer.notice


def test_unreachable_endpoint_falls_back_with_notice() -> None:
    extractive = _extractive()
    answer = generate_answer(extractive, LLMConfig("http://127.0.0.1:9/v1", "x", timeout=2))
    assert answer.text == extractive.text
    assert answer.notice and "trích xuất" in answer.notice


def test_config_is_read_from_the_environment_only_when_complete() -> None:
    assert LLMConfig.from_env({"QA_LLM_URL": "http://h/v1"}) is None
    config = LLMConfig.from_env(
        {"QA_LLM_URL": "http://h/v1", "QA_LLM_MODEL": "m", "QA_LLM_KEY": "k"}
    )
    assert config == LLMConfig("http://h/v1", "m", "k")


def test_figures_in_another_form_are_faithful(endpoint: LLMConfig) -> None:
    REPLY["text"] = "Thu ngân sách đạt 5120 tỷ đồng, tăng 8.3% [1]. Chi đạt 9.870 tỷ đồng [1]."
    extractive = _extractive(BUDGET, "thu ngân sách bao nhiêu")
    answer = faithful(generate_answer(extractive, endpoint), extractive)
    assert [line.text for line in answer.lines] == [
        "Thu ngân sách đạt 5120 tỷ đồng, tăng 8.3%.",
        "Chi đạt 9.870 tỷ đồng.",
    ]
    assert [c.quote for c in answer.citations] == [
        "Thu ngân sách nhà nước ước đạt 5.120 tỷ đồng, tăng 8,3% so với cùng kỳ.",
        "Chi ngân sách địa phương ước đạt 9.870 tỷ đồng.",
    ]
    assert "test-model" in (answer.notice or "")


def test_a_figure_the_sources_do_not_state_is_replaced_by_the_extractive_answer(
    endpoint: LLMConfig,
) -> None:
    REPLY["text"] = "Thu ngân sách đạt 5.120 tỷ đồng, tăng 9,1% so với cùng kỳ [1]."
    extractive = _extractive(BUDGET, "thu ngân sách bao nhiêu")
    answer = faithful(generate_answer(extractive, endpoint), extractive)
    assert answer.lines == extractive.lines and answer.citations == extractive.citations
    assert answer.notice and "9,1" in answer.notice and "trích xuất" in answer.notice


class _Searcher:
    """The part of `Searcher` that `ask` uses, over one hand-made passage."""

    settings = Settings()
    segmenter = Segmenter()
    cases = CaseTable({})  # the corpus capitalises no name here
    districts = ()  # nor names a district
    kinds = bundled_kinds()  # and adds no kind of its own

    def prepare_query(self, query: str) -> LimitedQuery:
        return LimitedQuery(query)

    def read_question(self, question: str) -> str:
        return question

    def alternatives(self, query: str) -> tuple[str, ...]:
        return ()

    @property
    def chunks_of(self) -> dict[str, list[Chunk]]:
        return {}  # its passage marks no footnote

    def search(
        self, query: str, k: int, mode: str, filters: object, *, clause_meanings: bool
    ) -> list[Hit]:
        return list(_extractive(BUDGET, query).hits)


def test_ask_checks_the_numbers_of_a_generated_answer(endpoint: LLMConfig) -> None:
    searcher: Any = _Searcher()
    REPLY["text"] = "Thu ngân sách tăng 8,3% [1]."
    kept = ask(searcher, "thu ngân sách tăng bao nhiêu", llm=endpoint)
    assert kept.text == "Thu ngân sách tăng 8,3%. [1]" and "test-model" in (kept.notice or "")
    REPLY["text"] = "Thu ngân sách tăng 12% [1]."
    replaced = ask(searcher, "thu ngân sách tăng bao nhiêu", llm=endpoint)
    assert replaced.lines == ask(searcher, "thu ngân sách tăng bao nhiêu").lines
    assert "12" in (replaced.notice or "") and "trích xuất" in (replaced.notice or "")
