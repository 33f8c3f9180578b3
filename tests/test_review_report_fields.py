"""The review page shows a report's unsure agency, year or template; decisions on cells keep them listed."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from ingest.output import report_to_dict, write_json_atomic
from ingest.pipeline import convert_file
from ingest.settings import Settings
from tests.conftest import SEEDS
from tests.test_review_api import UNSURE_IN_SEED_001, flag, review_app
from workers.corrections import refresh_review_list


def test_unsure_agency_is_shown_and_stays_listed(tmp_path: Path, settings: Settings) -> None:
    # Seed 001 has no title: its body is named only as the opening's subject.
    payload = report_to_dict(convert_file(SEEDS[1], settings))
    assert "report.agency" in payload["review"]["cells"]
    for cell in UNSURE_IN_SEED_001:
        flag(payload["cells"][cell], 0.6)
    refresh_review_list(payload)
    write_json_atomic(tmp_path / "untitled.json", payload)
    client = TestClient(review_app(tmp_path, settings))
    client.headers["X-Reviewer"] = "ann"
    page = client.get("/review/reports/untitled.json")
    assert page.status_code == 200
    assert "report-flags" in page.text and "慈化镇" in page.text and "is unsure" in page.text
    key = next(k for k in payload["review"]["cells"] if k in payload["cells"])
    decided = client.post(f"/review/api/reports/untitled.json/cells/{key}",
                          json={"action": "accept", "value": "", "version": 0})
    assert decided.status_code == 200
    saved = json.loads((tmp_path / "untitled.json").read_text(encoding="utf-8"))
    assert "report.agency" in saved["review"]["cells"] and saved["review"]["needed"]
    assert key not in saved["review"]["cells"]


def test_a_sure_report_shows_no_report_flags(tmp_path: Path, settings: Settings) -> None:
    write_json_atomic(tmp_path / "titled.json", report_to_dict(convert_file(SEEDS[2], settings)))
    client = TestClient(review_app(tmp_path, settings))
    client.headers["X-Reviewer"] = "ann"
    assert "report-flags" not in client.get("/review/reports/titled.json").text
