"""The page in a real browser: `streamlit run app.py` driven by headless Debian Chromium.

Playwright only drives the system Chromium (`/usr/bin/chromium`, installed by `make browser`);
it never downloads a browser. Screenshots go to `tests/artifacts/` (ignored by git).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

if TYPE_CHECKING:
    from conftest import BuiltIndex

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
QUESTION = "tiến độ KCN Hải Long?"
PLACEHOLDER = "Đặt câu hỏi về nội dung văn bản"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"streamlit exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"streamlit did not answer within {seconds:.0f} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def server(built_index: BuiltIndex, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run app.py` on a free port over the session index; always terminated."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (make browser)")
    port = free_port()
    log = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    env = {**os.environ, "QA_INDEX": str(built_index.index), "QA_CORPUS": str(built_index.corpus)}
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.headless", "true", "--server.port", str(port),
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, log, 60)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def open_page(browser: Browser, url: str) -> Page:
    page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="vi-VN")
    page.goto(url, wait_until="domcontentloaded")
    # The first page load of the process loads the index and warms the embedder.
    page.get_by_placeholder(PLACEHOLDER).wait_for(timeout=120_000)
    wait_idle(page)
    return page


def wait_idle(page: Page) -> None:
    """Until the script run is over (Streamlit shows its status widget while running)."""
    page.wait_for_timeout(300)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=60_000)


def test_question_answered_with_citation(server: str, browser: Browser) -> None:
    page = open_page(browser, server)
    box = page.get_by_placeholder(PLACEHOLDER)
    box.fill(QUESTION)
    started = time.perf_counter()
    box.press("Enter")
    answer = page.locator(".qa-answer")
    answer.wait_for(timeout=30_000)
    elapsed = time.perf_counter() - started
    server = page.locator('[data-testid="stCaptionContainer"]').filter(has_text="đoạn nguồn")
    print(f"Enter → answer in the browser: {elapsed:.2f} s (server: {server.first.inner_text()})")
    expect(answer).to_contain_text("[1]")
    citations = page.locator(".qa-citation")
    expect(citations.first).to_be_visible()
    expect(citations.filter(has_text="9 tháng").first).to_contain_text("2023")
    expect(page.locator(".qa-src").first).to_be_visible()
    assert "q=" in page.url, "the question is kept in the URL"
    assert elapsed < 5, f"answer took {elapsed:.2f} s"

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1440, "height": 2000})
    page.screenshot(path=str(ARTIFACTS / "hoi-dap.png"))

    page.locator("a.qa-cite").first.click()
    expect(page).to_have_url(f"{page.url.split('#')[0]}#cite-1")
    page.close()


def test_shared_link_runs_question(server: str, browser: Browser) -> None:
    page = open_page(browser, f"{server}/?q={quote('GRDP 9 tháng năm 2023 tăng bao nhiêu?')}")
    expect(page.locator(".qa-answer")).to_contain_text("7,72%", timeout=30_000)
    expect(page.get_by_placeholder(PLACEHOLDER)).to_have_value(
        "GRDP 9 tháng năm 2023 tăng bao nhiêu?"
    )
    page.close()
