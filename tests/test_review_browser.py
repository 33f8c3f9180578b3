"""The review pages in a real browser (Debian's chromium driven by Playwright) against a live server."""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from ingest.settings import Settings
from tests.test_review_api import SCRIPT, TEN_ROWS, make_out
from workers.api import create_app
from workers.config import ServiceSettings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
# Set to a folder to keep the screenshots (docs/ holds the committed ones).
SHOTS_ENV = "INGEST_REVIEW_SCREENSHOTS"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def server(tmp_path: Path, settings: Settings) -> Iterator[tuple[str, Path]]:
    out = tmp_path / "out"
    make_out(out, settings)
    # The whole service app: the review pages must work without Redis.
    app = create_app(ServiceSettings(out=out, redis_url="redis://127.0.0.1:1/0"))
    port = _free_port()
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert uv.started
    yield f"http://127.0.0.1:{port}", out
    uv.should_exit = True
    thread.join(10)


@pytest.fixture()
def page(tmp_path: Path) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(10_000)
        yield page
        browser.close()


def _shot(page, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    page.screenshot(path=str(path), full_page=False)
    keep = os.environ.get(SHOTS_ENV)
    if keep:
        shutil.copy(path, Path(keep) / name)


def _settle(page) -> None:
    page.wait_for_selector('body[data-busy="0"]', state="attached")


def test_review_with_the_keyboard(server, page, tmp_path: Path) -> None:
    base, out = server
    dialogs: list[str] = []

    def dismiss(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)

    # Sign in, then the queue: the ten-flag report first (most flagged cells).
    page.goto(f"{base}/review")
    page.fill("input[name=name]", "ann")
    page.click("button[type=submit]")
    rows = page.locator("table.reports tbody tr")
    assert rows.first.locator("td").first.text_content() == "十处待审镇"
    assert rows.count() == 3  # tenflags, seed_001, escape: the other seeds have nothing to review
    assert page.get_by_text(f"{SCRIPT}镇").count() == 1  # shown as text
    _shot(page, tmp_path, "review-queue.png")

    # The report: the first flagged cell is current, its suggestion in the box.
    rows.first.locator("a").click()
    page.wait_for_selector("td.cell.current")
    assert page.locator("#cell-key").text_content() == "s3.new.total"
    first_right = str(json.loads((out / "tenflags.json").read_text(encoding="utf-8"))["cells"]["s3.new.total"]
                      ["suggestion"])
    assert page.locator("#value").input_value() == first_right
    assert "s3.row_sum.new" in (page.locator("#broken").text_content() or "")
    _shot(page, tmp_path, "review-report.png")

    # Ten flagged cells, every suggestion right: typed digits for the first, Enter for the rest.
    started = time.monotonic()
    presses = 0
    for digit in first_right:
        page.keyboard.press(digit)
        presses += 1
    for _ in TEN_ROWS:
        page.keyboard.press("Enter")
        presses += 1
        _settle(page)
        if presses == len(first_right) + 1:
            # The checks ran again on the server: the corrected row's sum holds now.
            assert "s3.row_sum.new" not in (page.locator("#broken").text_content() or "")
            assert "relations hold" in (page.locator("#message").text_content() or "")
    seconds = time.monotonic() - started
    assert presses <= 30
    assert page.locator("#progress").text_content() == "10 of 10 flagged cells reviewed"
    assert page.locator("#banner").is_visible()
    print(f"\n10 flagged cells reviewed with {presses} key presses in {seconds:.2f}s")

    # Reload: the decisions are in the report JSON.
    page.reload()
    page.wait_for_selector("td.cell.current")
    for row in TEN_ROWS:
        assert "ok" in (page.locator(f'td.cell[data-key="s3.{row}.total"]').get_attribute("class") or "")
    assert page.locator("#broken-count").text_content().startswith("(0 of")
    lines = (out / "audit.log").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 10 and all('"reviewer": "ann"' in line for line in lines)

    # Tab moves to the next flagged cell, x marks it illegible.
    page.goto(f"{base}/review/reports/seed_001.json")
    page.wait_for_selector("td.cell.current")
    first = page.locator("#cell-key").text_content()
    page.keyboard.press("Tab")
    second = page.locator("#cell-key").text_content()
    assert second != first
    page.keyboard.press("x")
    _settle(page)
    assert page.locator(f'td.cell[data-key="{second}"]').text_content() == "?"
    assert page.locator("#context").text_content()  # the source text around the row (seeds are in the store)

    # Another reviewer decides the current cell meanwhile: this reviewer's Enter gets 409, shown.
    current = page.locator("#cell-key").text_content()
    r = httpx.post(f"{base}/review/api/reports/seed_001.json/cells/{current}",
                   json={"action": "accept", "version": 0}, headers={"X-Reviewer": "bob"})
    assert r.status_code == 200
    page.keyboard.press("Enter")
    _settle(page)
    assert "Conflict" in (page.locator("#message").text_content() or "")
    assert "bob" in (page.locator("#message").text_content() or "")

    # Document text holding a script is shown as text and never runs.
    page.goto(f"{base}/review/reports/escape.json")
    page.wait_for_selector("td.cell.current")
    assert page.locator("#cell-text").text_content() == SCRIPT
    assert SCRIPT in (page.locator("header").text_content() or "")
    assert dialogs == []
