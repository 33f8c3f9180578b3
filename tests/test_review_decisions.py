"""Review decisions are data of their own: a re-conversion of the same content keeps them (issue 14, item 1)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from ingest.cli import main as ingest_main
from ingest.settings import Settings
from tests.conftest import SEEDS
from tests.test_review_api import review_app

CELL = "s3.new.total"


def _cell(out: Path, name: str, key: str = CELL) -> dict[str, Any]:
    cell: dict[str, Any] = json.loads((out / name).read_text(encoding="utf-8"))["cells"][key]
    return cell


def test_a_correction_survives_ingest_run_of_the_same_file(tmp_path: Path, settings: Settings) -> None:
    out, seed = tmp_path / "out", SEEDS[0]
    name = f"{seed.stem}.json"
    assert ingest_main(["run", str(seed), "--out", str(out), "--jobs", "1"]) == 0
    read = _cell(out, name)["value"]
    client = TestClient(review_app(out, settings))
    client.headers["X-Reviewer"] = "ann"
    corrected = read + 7
    r = client.post(f"/review/api/reports/{name}/cells/{CELL}",
                    json={"action": "correct", "value": str(corrected), "version": 0})
    assert r.status_code == 200, r.text
    accepted = "s3.granted.total"
    r = client.post(f"/review/api/reports/{name}/cells/{accepted}", json={"action": "accept", "version": 0})
    assert r.status_code == 200, r.text

    assert ingest_main(["run", str(seed), "--out", str(out), "--jobs", "1"]) == 0
    cell = _cell(out, name)
    assert (cell["value"], cell["read_value"], cell["reviewed"], cell["reviewed_by"], cell["review"]) == (
        corrected, read, True, "ann", False)
    assert _cell(out, name, accepted)["reviewed"]
    state = client.get(f"/review/api/reports/{name}").json()
    assert state["cells"][CELL]["version"] == 1 and state["cells"][CELL]["value"] == corrected
    # The versions are those of the decisions: a decision on version 1 goes through, one on 0 is stale.
    assert client.post(f"/review/api/reports/{name}/cells/{CELL}",
                       json={"action": "correct", "value": "0", "version": 0}).status_code == 409
    assert client.post(f"/review/api/reports/{name}/cells/{CELL}",
                       json={"action": "correct", "value": str(corrected + 1), "version": 1}).status_code == 200

    assert ingest_main(["run", str(seed), "--out", str(out), "--jobs", "1"]) == 0
    assert ingest_main(["export", str(out), "--to", str(tmp_path / "cells.csv")]) == 0
    with (tmp_path / "cells.csv").open(encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["key"] == CELL)
    assert (float(row["value"]), float(row["read_value"]), row["reviewed"]) == (corrected + 1, read, "True")


def test_a_new_reading_different_from_the_reviewed_value_is_kept_beside_it(tmp_path: Path,
                                                                          settings: Settings) -> None:
    """Another file of the same content (a new reading of it) still shows the reviewer's value."""
    out, seed = tmp_path / "out", SEEDS[1]
    name = f"{seed.stem}.json"
    assert ingest_main(["run", str(seed), "--out", str(out), "--jobs", "1"]) == 0
    read = _cell(out, name)["value"]
    client = TestClient(review_app(out, settings))
    client.headers["X-Reviewer"] = "bob"
    r = client.post(f"/review/api/reports/{name}/cells/{CELL}", json={"action": "illegible", "version": 0})
    assert r.status_code == 200
    copy = tmp_path / "copy" / f"{seed.stem}-copy{seed.suffix}"
    copy.parent.mkdir()
    copy.write_bytes(seed.read_bytes())
    assert ingest_main(["run", str(copy), "--out", str(out), "--jobs", "1"]) == 0
    cell = _cell(out, f"{copy.stem}.json")
    assert (cell["value"], cell["read_value"], cell["illegible"], cell["reviewed_by"]) == (None, read, True, "bob")
