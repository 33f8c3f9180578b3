"""The findings pages in a real browser: the list filtered by kind, then a body's years side by side."""

from __future__ import annotations

from pathlib import Path

from ingest.settings import Settings
from tests.test_findings_pages import _with_next_year
from tests.test_review_browser import _shot, page, pytestmark, server  # noqa: F401  (fixtures and the skip)


def test_findings_list_and_a_bodys_years(server, page, tmp_path: Path, settings: Settings) -> None:  # noqa: F811
    base, out = server
    _with_next_year(out, settings)
    page.goto(f"{base}/review/findings")
    page.fill("input[name=name]", "ann")
    page.click("button[type=submit]")
    page.goto(f"{base}/review/findings")
    assert page.locator("table.findings tbody tr").count() > 3
    page.select_option("select[name=kind]", "carried_over_mismatch")
    page.click("form.filters button[type=submit]")
    rows = page.locator("table.findings tbody tr")
    assert rows.count() == 2 and "2024年报告" in (rows.first.text_content() or "")
    _shot(page, tmp_path, "review-findings.png")
    rows.first.locator("td a").first.click()
    page.wait_for_selector("table.years")
    headers = page.locator("table.years thead th").all_text_contents()
    assert [h[:4] for h in headers[2:]] == ["2023", "2024"]
    assert "上年结转与上年度报告的结转下年度不一致" in (page.locator("section.findings").text_content() or "")
    _shot(page, tmp_path, "review-body.png")
