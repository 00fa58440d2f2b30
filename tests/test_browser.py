"""The page in a real browser: `streamlit run app.py` driven by headless Debian Chromium.

Playwright only drives the system Chromium (`/usr/bin/chromium`, installed by `make browser`);
it never downloads a browser. Screenshots go to `tests/artifacts/` (ignored by git). Every page
records its console errors and any request that leaves the machine (`Watched`), so a test can
assert the page works offline.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlparse

import pytest
from helpers import free_port, serving
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
DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# What Streamlit itself writes in English unless the page overrides it.
STREAMLIT_ENGLISH = ("Press Enter", "Select all", "No results", "Stop", "Running", "Rerun")


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
    url = f"http://127.0.0.1:{port}"
    with serving(command, env, log, f"{url}/_stcore/health", 60, cwd=ROOT):
        yield url


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Watched:
    """A page with what it logged as an error and every request to a host off this machine."""

    page: Page
    console_errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)


def open_page(browser: Browser, url: str, viewport: dict[str, int] | None = None) -> Watched:
    page = browser.new_page(viewport=viewport or {"width": 1440, "height": 1000}, locale="vi-VN")
    watched = Watched(page)
    page.on(
        "console",
        lambda m: watched.console_errors.append(m.text) if m.type == "error" else None,
    )

    def record(url: str) -> None:
        parsed = urlparse(url)
        if parsed.scheme in ("http", "https", "ws", "wss") and parsed.hostname not in LOCAL_HOSTS:
            watched.external.append(url)

    page.on("request", lambda request: record(request.url))
    page.goto(url, wait_until="domcontentloaded")
    # The first page load of the process loads the index and warms the embedder.
    page.get_by_placeholder(PLACEHOLDER).wait_for(timeout=120_000)
    wait_idle(page)
    return watched


def ask(page: Page, question: str) -> None:
    box = page.get_by_placeholder(PLACEHOLDER)
    box.fill(question)
    box.press("Enter")
    page.locator(".qa-answer").wait_for(timeout=30_000)
    wait_idle(page)


def wait_idle(page: Page) -> None:
    """Until the script run is over (Streamlit shows its status widget while running)."""
    page.wait_for_timeout(300)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=60_000)


def test_question_answered_with_citation(server: str, browser: Browser) -> None:
    page = open_page(browser, server).page
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

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1440, "height": 2000})
    page.screenshot(path=str(ARTIFACTS / "hoi-dap.png"))

    page.locator("a.qa-cite").first.click()
    expect(page).to_have_url(f"{page.url.split('#')[0]}#cite-1")
    page.close()


def test_shared_link_runs_question(server: str, browser: Browser) -> None:
    page = open_page(browser, f"{server}/?q={quote('GRDP 9 tháng năm 2023 tăng bao nhiêu?')}").page
    expect(page.locator(".qa-answer")).to_contain_text("7,72%", timeout=30_000)
    expect(page.get_by_placeholder(PLACEHOLDER)).to_have_value(
        "GRDP 9 tháng năm 2023 tăng bao nhiêu?"
    )
    page.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_answer_starts_on_the_first_screen(
    server: str, browser: Browser, viewport: dict[str, int]
) -> None:
    """After asking, the answer's first line is visible without scrolling (390×844 too)."""
    page = open_page(browser, server, viewport).page
    hint = page.locator('[data-testid="InputInstructions"]')
    page.get_by_placeholder(PLACEHOLDER).fill(QUESTION)
    if viewport == PHONE:  # inside the field it would cover a long question
        expect(hint).to_be_hidden()
    else:
        expect(hint).to_be_visible()
    ask(page, QUESTION)
    page.evaluate("window.scrollTo(0, 0)")
    box = page.locator(".qa-answer").bounding_box()
    assert box is not None
    name = "phone" if viewport == PHONE else "desktop"
    print(f"{name}: answer top at {box['y']:.0f} px of {viewport['height']}")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"hoi-dap-{name}.png"))
    assert box["y"] + 40 < viewport["height"], f"answer starts {box['y']:.0f} px down"
    # The examples step aside once a question is asked: folded, not gone.
    expect(page.get_by_text("Câu hỏi mẫu")).to_be_visible()
    expect(page.get_by_role("button", name="thu ngân sách năm 2023")).to_be_hidden()
    page.close()


def test_offline_vietnamese_and_readable_research(server: str, browser: Browser) -> None:
    """Nothing is fetched from another host and nothing fails in the console; Streamlit's own
    English words are not shown; research results show their whole passage, wrapped, on a
    phone too."""
    watched = open_page(browser, server, DESKTOP)
    page = watched.page
    icon = page.locator("link[rel*='icon']").first.get_attribute("href") or ""
    assert urlparse(icon).hostname in (None, *LOCAL_HOSTS), icon
    ask(page, QUESTION)
    page.get_by_role("tab", name="Tra cứu").click()
    box = page.get_by_placeholder("ví dụ: khu công nghiệp")
    box.fill("khu công nghiệp")
    box.press("Enter")
    passages = page.locator(".qa-passage").filter(visible=True)  # the research tab's own
    passages.first.wait_for(timeout=30_000)
    wait_idle(page)
    expect(passages).to_have_count(30, timeout=30_000)  # rendered in turn on a busy machine

    box.fill("nhà ở xã hội")  # typed, not sent: Streamlit shows its form hint
    page.locator('[data-testid="stMultiSelect"]').first.click()
    expect(page.get_by_role("option").first).to_be_visible()
    shown = page.locator("body").inner_text()
    english = [word for word in STREAMLIT_ENGLISH if word in shown]
    assert not english, f"English UI words on the page: {english}"
    page.keyboard.press("Escape")

    page.set_viewport_size(PHONE)
    page.wait_for_timeout(500)
    passage = passages.first
    expect(passage).to_contain_text("khu công nghiệp", ignore_case=True)
    text_box = passage.bounding_box()
    assert text_box is not None and text_box["x"] + text_box["width"] <= PHONE["width"]
    assert text_box["height"] > 60, "the passage wraps over several lines"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "tra-cuu-phone.png"))
    assert not watched.external, f"requests off this machine: {watched.external}"
    assert not watched.console_errors, watched.console_errors
    page.close()


def test_period_filter_applies_on_change(server: str, browser: Browser) -> None:
    """Moving the period slider narrows the documents at once, without leaving the field."""
    page = open_page(browser, server, DESKTOP).page
    ask(page, QUESTION)
    latest = page.locator('[data-testid="stSlider"] input[type="range"]').last  # period's end
    latest.focus()
    for _ in range(3):
        latest.press("ArrowLeft")
    caption = page.get_by_text("Đang tìm trong")
    expect(caption).to_be_visible(timeout=15_000)
    expect(latest).to_be_focused()
    wait_idle(page)
    expect(page.locator('[data-testid="stSlider"]').last).to_contain_text("tháng 10/2023")
    dated_2024 = re.compile(r"^(tháng )?[\d/]*2024 ·")
    expect(page.locator(".qa-src .qa-meta").filter(has_text=dated_2024)).to_have_count(0)
    expect(page.locator(".qa-src").first).to_be_visible()
    page.close()
