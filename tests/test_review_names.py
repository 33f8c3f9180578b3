"""Issue 14: the bearer scheme is case-insensitive in the review API as in the API (RFC 7235), and
right-to-left marks and other controls in names do not reach what the pages show."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from ingest.settings import Settings
from tests.test_review_api import _client, _decide, make_out
from workers.api import create_app
from workers.config import load_service_settings


def test_the_bearer_scheme_is_case_insensitive_in_both_apis(tmp_path: Path, settings: Settings) -> None:
    make_out(tmp_path, settings)
    client = _client(tmp_path, settings, token="s3cret")
    api = TestClient(create_app(load_service_settings(tmp_path, token="s3cret")))
    for scheme in ("Bearer", "bearer", "BEARER"):
        client.headers["Authorization"] = api.headers["Authorization"] = f"{scheme} s3cret"
        assert client.get("/review/api/reports/tenflags.json").status_code == 200, scheme
        assert api.get(f"/jobs/{'0' * 32}").status_code == 404, scheme  # past the token check
    client.headers["Authorization"] = "Basic s3cret"
    assert _decide(client, "s3.new.total", 0, value="1").status_code == 401


def test_bidirectional_marks_in_names_are_not_shown(tmp_path: Path, settings: Settings) -> None:
    make_out(tmp_path, settings)
    path = tmp_path / "tenflags.json"
    payload = json.loads(path.read_text(encoding="utf-8"))
    payload["report"]["agency"] = "\u202e局政财\u202c县某\u200f"  # shown reversed, as another name
    (tmp_path / "rtl\u200f.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    page = _client(tmp_path, settings).get("/review").text
    assert "局政财县某" in page
    for mark in ("\u202e", "\u202c", "\u200f"):
        assert mark not in page
