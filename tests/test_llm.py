"""Generative answers: grounded markers kept, markers pointing nowhere dropped, fallback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from qa.answer import compose_answer
from qa.llm import generate_answer
from qa.models import Chunk, DocumentMeta, Hit
from qa.segment import Segmenter

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
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/v1"
    monkeypatch.setenv("QA_LLM_URL", url)
    monkeypatch.setenv("QA_LLM_MODEL", "test-model")
    yield url
    server.shutdown()


def _extractive():  # type: ignore[no-untyped-def]
    text = "Chỉ đạo đẩy nhanh tiến độ triển khai KCN Hải Long. Lúa Xuân được mùa."
    meta = DocumentMeta("a", "Báo cáo 9 tháng", "2023-09", "báo cáo", "UBND", "a.txt")
    hit = Hit(1, 1.0, Chunk("a:0", "a", text, 0, len(text), "I"), meta)
    return compose_answer("tiến độ KCN Hải Long", [hit], Segmenter())


def test_grounded_sentences_are_kept_and_ungrounded_dropped(endpoint: str) -> None:
    REPLY["text"] = (
        "KCN Hải Long đang được đẩy nhanh tiến độ [1]. Dự án đã xong [7]. Không có nguồn."
    )
    answer = generate_answer(_extractive())
    assert answer.text == "KCN Hải Long đang được đẩy nhanh tiến độ. [1]"
    assert [c.n for c in answer.citations] == [1]
    assert answer.citations[0].quote == "Chỉ đạo đẩy nhanh tiến độ triển khai KCN Hải Long."
    assert "test-model" in (answer.notice or "")


def test_reply_without_valid_markers_falls_back(endpoint: str) -> None:
    REPLY["text"] = "Tôi nghĩ là xong rồi [9]."
    extractive = _extractive()
    answer = generate_answer(extractive)
    assert answer.text == extractive.text and answer.notice


def test_unreachable_endpoint_falls_back_with_notice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_LLM_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("QA_LLM_MODEL", "x")
    extractive = _extractive()
    answer = generate_answer(extractive, timeout=2)
    assert answer.text == extractive.text
    assert answer.notice and "trích xuất" in answer.notice


def test_no_endpoint_configured_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QA_LLM_URL", raising=False)
    extractive = _extractive()
    assert generate_answer(extractive) is extractive
