"""A relation the document breaks as printed is a finding (JSON `checks`, review page), not a flag."""

from __future__ import annotations

import random
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from bench.render_docx import render_docx
from bench.truth import make_truth
from ingest.layouts import load_layouts
from ingest.output import report_to_dict, write_json_atomic
from ingest.pipeline import convert_file
from ingest.settings import Settings
from workers.config import ServiceSettings
from workers.corrections import recheck
from workers.review import review_router


def _broken_docx(folder: Path) -> tuple[Path, list[str]]:
    """A Word report whose printed values break one relation (the generator's own kind of break)."""
    seed = next(s for s in range(200) if make_truth(s).broken)
    truth = make_truth(seed)
    return render_docx(truth, folder / "broken", random.Random(seed)), truth.broken


def test_a_relation_broken_as_printed_is_shown_and_flags_no_cell(tmp_path: Path, settings: Settings) -> None:
    document, broken = _broken_docx(tmp_path)
    payload = report_to_dict(convert_file(document, settings))
    failed = [c for c in payload["checks"] if not c["ok"]]
    assert set(broken) <= {c["id"] for c in failed}  # the changed cell may sit in more than one relation
    assert all(c["suspects"] == [] for c in failed)
    assert payload["review"]["needed"] is False and payload["review"]["cells"] == []
    out = tmp_path / "out"
    write_json_atomic(out / "broken.json", payload)
    app = FastAPI()
    app.include_router(review_router(ServiceSettings(out=out), settings))
    client = TestClient(app)
    client.headers["X-Reviewer"] = "ann"
    page = client.get("/review/reports/broken.json").text
    assert "Relations this report breaks" in page and broken[0] in page and "as printed" in page


def test_after_a_decision_the_checks_keep_their_suspects(tmp_path: Path, settings: Settings) -> None:
    # Relations are checked again after each decision: a broken one names the cells still flagged.
    document, _ = _broken_docx(tmp_path)
    payload = report_to_dict(convert_file(document, settings))
    failed = next(c for c in payload["checks"] if not c["ok"])
    flagged, settled = failed["cells"][0], failed["cells"][1]
    payload["cells"][flagged]["review"] = True
    payload["cells"][settled]["review"] = False
    layout = next(t for t in load_layouts(settings.layouts_dir) if t.template == payload["template"])
    recheck(payload, layout)
    again = next(c for c in payload["checks"] if c["id"] == failed["id"])
    assert flagged in again["suspects"] and settled not in again["suspects"]
