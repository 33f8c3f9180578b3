"""The review endpoints without a browser: decisions, the audit log, 409 on stale edits, crops, escaping."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image

from ingest.output import page_image_path, report_to_dict, write_json_atomic
from ingest.pipeline import convert_file
from ingest.settings import Settings
from tests.conftest import SEEDS
from workers.config import ServiceSettings
from workers.corrections import layout_of, recheck, refresh_review_list
from workers.review import review_router
from workers.store import BlobStore

SCRIPT = "<script>alert(1)</script>"
# The rows whose totals the ten-flag report gets wrong (each with the right total suggested).
TEN_ROWS = ["new", "carried_over", "granted", "partly_granted", "denied.state_secret", "denied.other_law",
            "denied.security", "denied.third_party", "denied.internal", "denied.process"]


def _flag(cell: dict[str, Any], confidence: float) -> None:
    cell["confidence"] = confidence
    cell["review"] = True


def make_out(out: Path, settings: Settings) -> dict[str, dict[str, Any]]:
    """An output folder as the service leaves it: the seeds converted (sources in the store), plus
    `escape.json` (document text holding a script) and `tenflags.json` (ten wrong totals, broken relations)."""
    payloads = {}
    blobs = BlobStore(out / ".store")
    for seed in SEEDS:
        payloads[f"{seed.stem}.json"] = report_to_dict(convert_file(seed, settings))
        blobs.put_file(seed)
    escape = copy.deepcopy(payloads["seed_002.json"])
    escape["report"]["agency"] = f"{SCRIPT}镇"
    escape["cells"]["s3.new.natural_person"]["text"] = SCRIPT
    _flag(escape["cells"]["s3.new.natural_person"], 0.3)
    payloads["escape.json"] = escape
    ten = copy.deepcopy(payloads["seed_000.json"])
    ten["report"]["agency"] = "十处待审镇"
    for row in TEN_ROWS:
        cell = ten["cells"][f"s3.{row}.total"]
        cell["suggestion"] = cell["value"]
        cell["value"] = cell["value"] + 1
        cell["text"] = str(cell["value"])
        _flag(cell, 0.5)
    payloads["tenflags.json"] = ten
    for name, payload in payloads.items():
        recheck(payload, layout_of(payload, settings.layouts_dir))
        refresh_review_list(payload)
        write_json_atomic(out / name, payload)
    return payloads


def review_app(out: Path, settings: Settings, token: str | None = None) -> FastAPI:
    app = FastAPI()
    app.include_router(review_router(ServiceSettings(out=out, token=token), settings))
    return app


@pytest.fixture()
def out(tmp_path: Path, settings: Settings) -> Path:
    make_out(tmp_path, settings)
    return tmp_path


def _client(out: Path, settings: Settings, reviewer: str = "ann", token: str | None = None) -> TestClient:
    client = TestClient(review_app(out, settings, token))
    client.headers["X-Reviewer"] = reviewer
    return client


def _decide(client: TestClient, key: str, version: int, action: str = "correct", value: str = "") -> Any:
    return client.post(f"/review/api/reports/tenflags.json/cells/{key}",
                       json={"action": action, "value": value, "version": version})


def test_a_correction_keeps_the_read_value_and_is_audited(out: Path, settings: Settings) -> None:
    client = _client(out, settings)
    r = _decide(client, "s3.new.total", 0, value="1")
    assert r.status_code == 200
    assert r.json()["cells"]["s3.new.total"]["version"] == 1
    saved = json.loads((out / "tenflags.json").read_text(encoding="utf-8"))
    cell = saved["cells"]["s3.new.total"]
    assert (cell["value"], cell["read_value"], cell["reviewed"], cell["review"]) == (1, 2, True, False)
    assert "s3.new.total" not in saved["review"]["cells"]
    assert next(c for c in saved["checks"] if c["id"] == "s3.row_sum.new")["ok"]
    audit = [json.loads(line) for line in (out / "audit.log").read_text(encoding="utf-8").splitlines()]
    assert audit == [{**audit[0], "cell": "s3.new.total", "action": "correct", "read_value": 2,
                      "previous_value": 2, "value": 1, "reviewer": "ann", "version": 1}]
    # An accept keeps the value; an illegible cell becomes null, its reading kept.
    assert _decide(client, "s3.granted.total", 0, action="accept").status_code == 200
    assert _decide(client, "s3.carried_over.total", 0, action="illegible").status_code == 200
    saved = json.loads((out / "tenflags.json").read_text(encoding="utf-8"))
    assert saved["cells"]["s3.granted.total"]["value"] == 2 and saved["cells"]["s3.granted.total"]["reviewed"]
    illegible = saved["cells"]["s3.carried_over.total"]
    assert (illegible["value"], illegible["read_value"], illegible["illegible"]) == (None, 1, True)
    assert len((out / "audit.log").read_text(encoding="utf-8").splitlines()) == 3


def test_a_stale_edit_gets_409_and_changes_nothing(out: Path, settings: Settings) -> None:
    ann, bob = _client(out, settings, "ann"), _client(out, settings, "bob")
    assert _decide(bob, "s3.new.total", 0, value="1").status_code == 200
    r = _decide(ann, "s3.new.total", 0, value="7")
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "conflict" and "bob" in r.json()["error"]["message"]
    assert r.json()["state"]["cells"]["s3.new.total"]["value"] == 1
    saved = json.loads((out / "tenflags.json").read_text(encoding="utf-8"))
    assert saved["cells"]["s3.new.total"]["value"] == 1
    assert len((out / "audit.log").read_text(encoding="utf-8").splitlines()) == 1
    # On the version the conflict reported, ann's edit goes through.
    assert _decide(ann, "s3.new.total", 1, value="7").status_code == 200


def test_bad_values_and_unknown_cells_are_refused(out: Path, settings: Settings) -> None:
    client = _client(out, settings)
    assert _decide(client, "s3.new.total", 0, value="1x").status_code == 422
    assert _decide(client, "s3.new.total", 0, value="-1").status_code == 422  # not a signed column
    assert _decide(client, "s9.nothing", 0, value="1").status_code == 422
    assert client.post("/review/api/reports/tenflags.json/cells/s3.new.total",
                       data={"action": "accept", "version": "0"}).status_code in (415, 422)
    assert client.get("/review/api/reports/..%2Findex.sqlite").status_code == 404
    assert not (out / "audit.log").exists()


def test_the_token_guards_review_when_set(out: Path, settings: Settings) -> None:
    client = _client(out, settings, token="s3cret")
    assert _decide(client, "s3.new.total", 0, value="1").status_code == 401
    assert client.get("/review", follow_redirects=False).status_code == 303
    client.headers["Authorization"] = "Bearer s3cret"
    assert _decide(client, "s3.new.total", 0, value="1").status_code == 200
    browser = TestClient(review_app(out, settings, "s3cret"))
    r = browser.post("/review/login", data={"name": "ann", "token": "wrong", "next": "/review"})
    assert r.status_code == 401
    r = browser.post("/review/login", data={"name": "ann", "token": "s3cret", "next": "/review"})
    assert r.status_code == 200 and "十处待审镇" in r.text


def test_document_text_is_escaped_in_pages(out: Path, settings: Settings) -> None:
    client = _client(out, settings)
    for url in ("/review", "/review/reports/escape.json"):
        html = client.get(url).text
        assert SCRIPT not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "\\u003cscript\\u003e" in html


def test_the_crop_shows_the_page_around_the_cell(out: Path, settings: Settings) -> None:
    payload = json.loads((out / "seed_001.json").read_text(encoding="utf-8"))
    cell = payload["cells"]["s3.unable.unclear.natural_person"]
    cell["page"], cell["bbox"] = 1, [400.0, 300.0, 440.0, 320.0]
    payload["source"]["format"] = "pdf_scanned"
    write_json_atomic(out / "seed_001.json", payload)
    (out / "seed_001.pages").mkdir()
    Image.new("RGB", (1200, 1600), "white").save(page_image_path(out / "seed_001.pages", 1))
    client = _client(out, settings)
    state = client.get("/review/api/reports/seed_001.json").json()
    url = state["cells"]["s3.unable.unclear.natural_person"]["crop"]
    r = client.get(url)
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    crop = Image.open(io.BytesIO(r.content))
    assert crop.size == (360, 160)  # the cell and its neighbours, not the whole page
    assert crop.getpixel((crop.width // 2, 160 // 2 - 13)) == (220, 0, 0)  # the red box
