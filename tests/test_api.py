"""`qa serve`: a real uvicorn process on 127.0.0.1 answered by a real HTTP client, plus the
concurrency cap and the public-address rule checked in-process."""

from __future__ import annotations

import json
import os
import re
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import BuiltIndex
from fastapi.testclient import TestClient
from helpers import free_port, serving

from qa.api import ApiOptions, create_app
from qa.cli.main import main
from qa.config import MAX_QUERY_CHARS
from qa.search.searcher import Searcher

QUESTION = "tiến độ KCN Hải Long?"


def get(url: str, **kwargs: object) -> httpx.Response:
    """GET with a timeout that a loaded 2-core machine can meet (a first query warms models)."""
    return httpx.get(url, timeout=120, **kwargs)  # type: ignore[arg-type]


def start_server(built: BuiltIndex, log: Path, api_key: str | None = None) -> Iterator[str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("QA_LLM_URL", "QA_API_KEY")}
    if api_key:
        env["QA_API_KEY"] = api_key
    command = [
        sys.executable, "-m", "qa.cli.main", "serve", "--port", str(port),
        "--index", str(built.index), "--corpus", str(built.corpus),
    ]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    with serving(command, env, log, f"{url}/health", 180):
        yield url


@pytest.fixture(scope="module")
def server(built_index: BuiltIndex, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from start_server(built_index, tmp_path_factory.mktemp("serve") / "log.txt")


def cli_json(capsys: pytest.CaptureFixture[str], built: BuiltIndex, *argv: str) -> object:
    code = main([*argv, "--json", "--index", str(built.index), "--corpus", str(built.corpus)])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


@pytest.mark.slow
def test_health_and_documents_describe_the_index(server: str, built_index: BuiltIndex) -> None:
    health = get(f"{server}/health").json()
    searcher = Searcher(built_index.index)
    assert health["status"] == "ok"
    assert health["passages"] == len(searcher.chunks)
    documents = get(f"{server}/documents").json()["documents"]
    assert [d["doc_id"] for d in documents] == sorted(searcher.docs)
    assert sum(d["chunks"] for d in documents) == len(searcher.chunks)


@pytest.mark.slow
def test_search_body_is_the_cli_json(
    server: str, built_index: BuiltIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    params = {"q": QUESTION, "k": 4, "mode": "bm25", "after": "2023-06"}
    response = get(f"{server}/search", params=params)
    assert response.status_code == 200
    expected = cli_json(
        capsys, built_index, "search", QUESTION, "--k", "4", "--mode", "bm25", "--after", "2023-06"
    )
    assert response.json() == expected


@pytest.mark.slow
def test_ask_body_is_the_cli_json(
    server: str, built_index: BuiltIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    response = get(f"{server}/ask", params={"q": QUESTION, "mode": "bm25"})
    assert response.status_code == 200
    expected = cli_json(capsys, built_index, "ask", QUESTION, "--mode", "bm25", "--no-llm")
    assert response.json() == expected


@pytest.mark.slow
@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"q": QUESTION, "mode": "fuzzy"}, "mode"),
        ({"q": QUESTION, "k": 0}, "k"),
        ({"q": QUESTION, "k": "many"}, "k"),
        ({"q": ""}, "q"),
        ({"q": "x" * (MAX_QUERY_CHARS + 1)}, "q"),
        ({"q": "???"}, "empty query"),
        ({"q": QUESTION, "doc": "no_such_doc"}, "unknown document id"),
        ({"q": QUESTION, "doc": "00"}, "type more of it"),  # the start of several ids
        ({"q": QUESTION, "after": "last spring"}, "ISO"),
        ({}, "q"),
    ],
)
def test_bad_parameters_are_422_with_a_message(
    server: str, params: dict[str, object], says: str
) -> None:
    response = get(f"{server}/search", params=params)
    assert response.status_code == 422
    assert says in json.dumps(response.json(), ensure_ascii=False)
    assert "Traceback" not in response.text


@pytest.mark.slow
def test_bearer_token_guards_everything_but_health(built_index: BuiltIndex, tmp_path: Path) -> None:
    for url in start_server(built_index, tmp_path / "log.txt", api_key="s3cret"):
        assert get(f"{url}/health").status_code == 200
        assert get(f"{url}/search", params={"q": QUESTION}).status_code == 401
        wrong = {"Authorization": "Bearer guess"}
        assert get(f"{url}/documents", headers=wrong).status_code == 401
        right = {"Authorization": "Bearer s3cret"}
        response = get(f"{url}/search", params={"q": QUESTION}, headers=right)
        assert response.status_code == 200 and response.json()["hits"]


def test_public_address_needs_a_token(
    built_index: BuiltIndex, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QA_API_KEY", raising=False)
    code = main(["serve", "--host", "0.0.0.0", "--index", str(built_index.index)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "QA_API_KEY" in err


class BlockingSearcher:
    """Holds each search until released, so requests pile up deterministically."""

    def __init__(self, inner: Searcher) -> None:
        self.inner = inner
        self.entered = threading.Event()
        self.release = threading.Event()

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def search(self, *args: object, **kwargs: object) -> object:
        self.entered.set()
        self.release.wait(timeout=30)
        return self.inner.search(*args, **kwargs)  # type: ignore[arg-type]


def test_requests_over_the_cap_get_503(built_index: BuiltIndex) -> None:
    blocking = BlockingSearcher(Searcher(built_index.index))
    client = TestClient(create_app(blocking, ApiOptions(max_concurrent=1)))  # type: ignore[arg-type]
    first: list[int] = []
    worker = threading.Thread(
        target=lambda: first.append(
            client.get("/search", params={"q": QUESTION, "mode": "bm25"}).status_code
        )
    )
    worker.start()
    assert blocking.entered.wait(timeout=30)
    second = client.get("/search", params={"q": QUESTION, "mode": "bm25"})
    blocking.release.set()
    worker.join(timeout=30)
    assert second.status_code == 503 and "busy" in second.json()["detail"]
    assert first == [200]


@pytest.mark.slow
def test_openapi_docs_need_no_internet(server: str) -> None:
    spec = get(f"{server}/openapi.json").json()
    assert {"/search", "/ask", "/documents", "/health"} <= set(spec["paths"])
    page = get(f"{server}/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(a.startswith("/") for a in assets), assets
    assert all(get(f"{server}{a}").status_code == 200 for a in assets)
