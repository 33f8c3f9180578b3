"""Review pages of findings: a report's own, the list across reports by kind, a body's years side by side."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from ingest.findings.years import body_key
from ingest.output import write_report
from ingest.pipeline import convert_bytes
from ingest.settings import Settings
from tests.conftest import SEEDS
from tests.test_review_api import SCRIPT, _client, make_out


def _with_next_year(out: Path, settings: Settings) -> None:
    """The review fixtures, plus 白阳镇's 2023 report made into 2024 with 5 carried over (2023 carried 0 forward)."""
    make_out(out, settings)
    text = SEEDS[2].read_text(encoding="utf-8").replace("2023", "2024")
    row = re.search(r"二、上年结转政府信息公开申请数量(\t+0){7}", text)
    assert row is not None
    text = text.replace(row.group(0), "二、上年结转政府信息公开申请数量\t\t5" + "\t0" * 5 + "\t5")
    write_report(convert_bytes(text.encode(), "baiyang-2024.txt", settings), out / "baiyang-2024.json")


def test_findings_list_filters_by_kind_and_escapes(tmp_path: Path, settings: Settings) -> None:
    _with_next_year(tmp_path, settings)
    client = _client(tmp_path, settings)
    page = client.get("/review/findings").text
    assert "上年结转与上年度报告的结转下年度不一致" in page and "2024年报告" in page
    assert "2019年格式" in page  # seed_004: a 2023 report on the 2019 format
    assert SCRIPT not in page and "&lt;script&gt;" in page
    only_blank = client.get("/review/findings", params={"kind": "cells_blank"}).text
    assert "2024年报告" not in only_blank and "留空" in only_blank


def test_a_bodys_years_side_by_side_and_a_reports_findings(tmp_path: Path, settings: Settings) -> None:
    _with_next_year(tmp_path, settings)
    client = _client(tmp_path, settings)
    page = client.get(f"/review/bodies/{quote(body_key('彭阳县白阳镇人民政府'), safe='')}").text
    assert "seed_002.json" in page and "baiyang-2024.json" in page
    table = page[page.index('class="reports years"'):]
    assert table.index(">2023<") < table.index(">2024<")
    assert "二、上年结转政府信息公开申请数量" in page and "上年结转与上年度报告的结转下年度不一致" in page
    assert client.get("/review/bodies/nobody").status_code == 404
    report = client.get("/review/reports/seed_004.json").text
    assert "Findings" in report and "却使用了2019年格式" in report
