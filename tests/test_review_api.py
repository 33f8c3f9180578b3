"""The review endpoints without a browser: decisions, the audit log, 409 on stale edits, crops, escaping."""

from __future__ import annotations

import copy
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image

from ingest.output import page_image_path, page_images_dir, report_to_dict, write_json_atomic
from ingest.pipeline import convert_file
from ingest.settings import Settings
from tests.conftest import SEEDS
from workers.config import ServiceSettings
from workers.corrections import layout_of, recheck, refresh_review_list
from workers.db import Database, audit, page_images
from workers.review import review_router
from workers.storage import Storage, storage_for
from workers.store import Index

SCRIPT = "<script>alert(1)</script>"
# The rows whose totals the ten-flag report gets wrong (each with the right total suggested).
TEN_ROWS = ["new", "carried_over", "granted", "partly_granted", "denied.state_secret", "denied.other_law",
            "denied.security", "denied.third_party", "denied.internal", "denied.process"]


UNSURE_IN_SEED_001 = ("s3.unable.unclear.natural_person", "s3.refused.repeat.natural_person")


def flag(cell: dict[str, Any], confidence: float) -> None:
    cell["confidence"] = confidence
    cell["review"] = True


@dataclass(frozen=True)
class Site:
    """The reports a review works on, on either database: files of the output folder (the embedded
    SQLite index), or rows of a PostgreSQL database that keeps everything."""

    out: Path
    db_url: str | None = None

    def service(self, token: str | None = None) -> ServiceSettings:
        return ServiceSettings(out=self.out, db_url=self.db_url, token=token)

    @property
    def db(self) -> Database:
        return Database(self.service().database_url)

    @property
    def storage(self) -> Storage:
        return storage_for(self.out, self.db)

    def write(self, name: str, payload: dict[str, Any]) -> None:
        """A report as the service leaves it (in the database: its document's row and result)."""
        if self.db_url is None:
            write_json_atomic(self.out / name, payload)
            return
        sha = payload["source"]["sha256"]
        index = Index(self.db)
        index.claim(sha, name.removesuffix(".json"), 0)
        index.finish(sha, name, None, None, None)
        with self.db.write() as conn:
            self.storage.store_report(conn, name, payload)

    def read(self, name: str) -> dict[str, Any]:
        with self.db.read() as conn:
            payload = self.storage.load_report(conn, name)
        assert payload is not None
        return payload

    def audit(self) -> list[dict[str, Any]]:
        if self.db_url is None:
            log = self.out / "audit.log"
            lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
        else:
            with self.db.read() as conn:
                lines = list(conn.scalars(sa.select(audit.c.line).order_by(audit.c.id)))
        return [json.loads(line) for line in lines]

    def add_page(self, name: str, sha256: str, page: int, image: Image.Image) -> None:
        """A page image kept by the scan reader."""
        buffer = io.BytesIO()
        image.save(buffer, "JPEG")
        if self.db_url is None:
            folder = page_images_dir(self.out / name)
            folder.mkdir(exist_ok=True)
            page_image_path(folder, page).write_bytes(buffer.getvalue())
            return
        with self.db.write() as conn:
            conn.execute(page_images.insert().values(sha256=sha256, page=page, data=buffer.getvalue()))


def make_out(out: Path, settings: Settings, db_url: str | None = None) -> dict[str, dict[str, Any]]:
    """The reports as the service leaves them: the seeds converted (sources stored), plus `escape.json`
    (document text holding a script) and `tenflags.json` (ten wrong totals, broken relations), two
    reports of contents of their own. Seed 001's two blank cells before a row's values are left
    unsure, as a scan of it would leave them (its text places them surely)."""
    site = Site(out, db_url)
    payloads = {}
    for seed in SEEDS:
        payloads[f"{seed.stem}.json"] = report_to_dict(convert_file(seed, settings))
        with seed.open("rb") as fh:
            site.storage.put_stream(fh)
    for key in UNSURE_IN_SEED_001:
        flag(payloads["seed_001.json"]["cells"][key], 0.6)
    escape = copy.deepcopy(payloads["seed_002.json"])
    escape["report"]["agency"] = f"{SCRIPT}镇"
    escape["cells"]["s3.new.natural_person"]["text"] = SCRIPT
    flag(escape["cells"]["s3.new.natural_person"], 0.3)
    payloads["escape.json"] = escape
    ten = copy.deepcopy(payloads["seed_000.json"])
    ten["report"]["agency"] = "十处待审镇"
    for row in TEN_ROWS:
        cell = ten["cells"][f"s3.{row}.total"]
        cell["suggestion"] = cell["value"]
        cell["value"] = cell["value"] + 1
        cell["text"] = str(cell["value"])
        flag(cell, 0.5)
    payloads["tenflags.json"] = ten
    for name in ("escape.json", "tenflags.json"):
        payloads[name]["source"]["sha256"] = hashlib.sha256(name.encode()).hexdigest()
    for name, payload in payloads.items():
        recheck(payload, layout_of(payload, settings.layouts_dir))
        refresh_review_list(payload)
        site.write(name, payload)
    return payloads


def review_app(out: Path, settings: Settings, token: str | None = None, db_url: str | None = None) -> FastAPI:
    app = FastAPI()
    app.include_router(review_router(Site(out, db_url).service(token), settings))
    return app


@pytest.fixture()
def site(tmp_path: Path, settings: Settings, db_url: str | None) -> Site:
    """The review's reports on both databases."""
    make_out(tmp_path, settings, db_url)
    return Site(tmp_path, db_url)


def _client(site: Site | Path, settings: Settings, reviewer: str = "ann", token: str | None = None) -> TestClient:
    """A review client; a bare folder is the folder's service (its embedded database)."""
    site = site if isinstance(site, Site) else Site(site)
    client = TestClient(review_app(site.out, settings, token, site.db_url))
    client.headers["X-Reviewer"] = reviewer
    return client


def _decide(client: TestClient, key: str, version: int, action: str = "correct", value: str = "") -> Any:
    return client.post(f"/review/api/reports/tenflags.json/cells/{key}",
                       json={"action": action, "value": value, "version": version})


def test_a_correction_keeps_the_read_value_and_is_audited(site: Site, settings: Settings) -> None:
    client = _client(site, settings)
    r = _decide(client, "s3.new.total", 0, value="1")
    assert r.status_code == 200
    assert r.json()["cells"]["s3.new.total"]["version"] == 1
    saved = site.read("tenflags.json")
    cell = saved["cells"]["s3.new.total"]
    assert (cell["value"], cell["read_value"], cell["reviewed"], cell["review"]) == (1, 2, True, False)
    assert "s3.new.total" not in saved["review"]["cells"]
    assert next(c for c in saved["checks"] if c["id"] == "s3.row_sum.new")["ok"]
    audit = site.audit()
    assert audit == [{**audit[0], "cell": "s3.new.total", "action": "correct", "read_value": 2,
                      "previous_value": 2, "value": 1, "reviewer": "ann", "version": 1}]
    # An accept keeps the value; an illegible cell becomes null, its reading kept.
    assert _decide(client, "s3.granted.total", 0, action="accept").status_code == 200
    assert _decide(client, "s3.carried_over.total", 0, action="illegible").status_code == 200
    saved = site.read("tenflags.json")
    assert saved["cells"]["s3.granted.total"]["value"] == 2 and saved["cells"]["s3.granted.total"]["reviewed"]
    illegible = saved["cells"]["s3.carried_over.total"]
    assert (illegible["value"], illegible["read_value"], illegible["illegible"]) == (None, 1, True)
    assert len(site.audit()) == 3


def test_a_stale_edit_gets_409_and_changes_nothing(site: Site, settings: Settings) -> None:
    ann, bob = _client(site, settings, "ann"), _client(site, settings, "bob")
    assert _decide(bob, "s3.new.total", 0, value="1").status_code == 200
    r = _decide(ann, "s3.new.total", 0, value="7")
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "conflict" and "bob" in r.json()["error"]["message"]
    assert r.json()["state"]["cells"]["s3.new.total"]["value"] == 1
    saved = site.read("tenflags.json")
    assert saved["cells"]["s3.new.total"]["value"] == 1
    assert len(site.audit()) == 1
    # On the version the conflict reported, ann's edit goes through.
    assert _decide(ann, "s3.new.total", 1, value="7").status_code == 200


def test_bad_values_and_unknown_cells_are_refused(site: Site, settings: Settings) -> None:
    client = _client(site, settings)
    assert _decide(client, "s3.new.total", 0, value="1x").status_code == 422
    assert _decide(client, "s3.new.total", 0, value="-1").status_code == 422  # not a signed column
    assert _decide(client, "s9.nothing", 0, value="1").status_code == 422
    assert client.post("/review/api/reports/tenflags.json/cells/s3.new.total",
                       data={"action": "accept", "version": "0"}).status_code in (415, 422)
    assert client.get("/review/api/reports/..%2Findex.sqlite").status_code == 404
    assert site.audit() == []


def test_the_token_guards_review_when_set(site: Site, settings: Settings) -> None:
    client = _client(site, settings, token="s3cret")
    assert _decide(client, "s3.new.total", 0, value="1").status_code == 401
    assert client.get("/review", follow_redirects=False).status_code == 303
    client.headers["Authorization"] = "Bearer s3cret"
    assert _decide(client, "s3.new.total", 0, value="1").status_code == 200
    browser = TestClient(review_app(site.out, settings, "s3cret", site.db_url))
    r = browser.post("/review/login", data={"name": "ann", "token": "wrong", "next": "/review"})
    assert r.status_code == 401
    r = browser.post("/review/login", data={"name": "ann", "token": "s3cret", "next": "/review"})
    assert r.status_code == 200 and "十处待审镇" in r.text


def test_document_text_is_escaped_in_pages(site: Site, settings: Settings) -> None:
    client = _client(site, settings)
    for url in ("/review", "/review/reports/escape.json"):
        html = client.get(url).text
        assert SCRIPT not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "\\u003cscript\\u003e" in html


def test_the_crop_shows_the_page_around_the_cell(site: Site, settings: Settings) -> None:
    payload = site.read("seed_001.json")
    cell = payload["cells"]["s3.unable.unclear.natural_person"]
    cell["page"], cell["bbox"] = 1, [400.0, 300.0, 440.0, 320.0]
    payload["source"]["format"] = "pdf_scanned"
    with site.db.write() as conn:
        site.storage.store_report(conn, "seed_001.json", payload)
    site.add_page("seed_001.json", payload["source"]["sha256"], 1, Image.new("RGB", (1200, 1600), "white"))
    client = _client(site, settings)
    state = client.get("/review/api/reports/seed_001.json").json()
    url = state["cells"]["s3.unable.unclear.natural_person"]["crop"]
    r = client.get(url)
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    crop = Image.open(io.BytesIO(r.content))
    assert crop.size == (360, 160)  # the cell and its neighbours, not the whole page
    assert crop.getpixel((crop.width // 2, 160 // 2 - 13)) == (220, 0, 0)  # the red box
