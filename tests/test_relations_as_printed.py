"""A relation the document breaks as printed is a finding (JSON `checks`, review page), not a flag."""

from __future__ import annotations

import random
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from ingest.output import report_to_dict, write_json_atomic
from ingest.pipeline import convert_file
from ingest.settings import Settings
from tests.bench.render_docx import render_docx
from tests.bench.truth import make_truth
from workers.config import ServiceSettings
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
