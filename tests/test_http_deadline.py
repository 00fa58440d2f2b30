"""The LLM call has a total deadline: a server trickling bytes cannot hold `qa ask`."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from qa.answer.compose import compose_answer
from qa.answer.http_deadline import post_json
from qa.answer.llm import LLMConfig, generate_answer
from qa.index.segment import Segmenter
from qa.models import Chunk, DocumentMeta, Hit

GROUNDED = {"choices": [{"message": {"content": "KCN Hải Long đẩy nhanh tiến độ [1]."}}]}


class _Trickle(BaseHTTPRequestHandler):
    """Replies with a valid answer, one byte every 0.2 s: complete after ~14 s."""

    protocol_version = "HTTP/1.1"
    where = "body"  # or "headers": trickle the status line and headers instead

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        body = json.dumps(GROUNDED).encode()
        head = (
            f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        fast, slow = (head, body) if self.where == "body" else (b"", head + body)
        try:
            self.wfile.write(fast)
            for byte in slow:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass  # the client hung up: what the deadline is for

    def log_message(self, *args: object) -> None:
        pass


class _Fast(_Trickle):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        body = json.dumps(GROUNDED).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Failing(_Trickle):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_error(503, "model loading")


def _serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()
    server.server_close()


@pytest.fixture(params=["body", "headers"])
def trickling(request: pytest.FixtureRequest) -> Iterator[str]:
    handler = type("Trickle", (_Trickle,), {"where": request.param})
    yield from _serve(handler)


@pytest.fixture
def fast() -> Iterator[str]:
    yield from _serve(_Fast)


@pytest.fixture
def failing() -> Iterator[str]:
    yield from _serve(_Failing)


def _extractive():  # type: ignore[no-untyped-def]
    text = "Chỉ đạo đẩy nhanh tiến độ triển khai KCN Hải Long. Lúa Xuân được mùa."
    meta = DocumentMeta("a", "Báo cáo 9 tháng", "2023-09", "báo cáo", "UBND", "a.txt")
    hit = Hit(1, 1.0, Chunk("a:0", "a", text, 0, len(text), "I"), meta)
    return compose_answer("tiến độ KCN Hải Long", [hit], Segmenter())


def test_a_trickling_server_hits_the_total_deadline(trickling: str) -> None:
    with pytest.raises(TimeoutError, match="within 1 s"):
        post_json(trickling + "/chat/completions", {"q": 1}, {}, deadline=1.0)


def test_ask_falls_back_to_the_extractive_answer_at_the_deadline(trickling: str) -> None:
    extractive = _extractive()
    answer = generate_answer(extractive, LLMConfig(trickling, "slow-model", timeout=1.0))
    assert answer.text == extractive.text
    assert answer.notice and "within 1 s" in answer.notice and "trích xuất" in answer.notice


def test_a_prompt_reply_within_the_deadline_is_used(fast: str) -> None:
    assert post_json(fast + "/chat/completions", {"q": 1}, {}, deadline=5.0) == GROUNDED


def test_an_error_status_or_a_bad_url_is_an_error(failing: str) -> None:
    with pytest.raises(ConnectionError, match="HTTP 503"):
        post_json(failing + "/chat/completions", {"q": 1}, {}, deadline=5.0)
    with pytest.raises(ValueError, match="not an http"):
        post_json("ftp://127.0.0.1/x", {}, {}, deadline=1.0)
