"""Issue 14: a reviewed value outside any report's range is refused (422), and exports of results
holding such a value (hand-edited, or from an older review) never crash and keep it exact.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from ingest.export import KeyCatalog, export
from ingest.layouts import load_layouts
from ingest.settings import Settings
from tests.test_review_api import _client, _decide, make_out

HUGE = "99999999999999999999999999999999"


def test_a_value_out_of_range_is_refused(tmp_path: Path, settings: Settings) -> None:
    make_out(tmp_path, settings)
    client = _client(tmp_path, settings)
    refused = _decide(client, "s3.new.total", 0, value=HUGE)
    assert refused.status_code == 422 and "out of range" in refused.json()["error"]["message"]
    assert _decide(client, "s3.new.total", 0, value=str(10**15)).status_code == 422
    assert _decide(client, "s3.new.total", 0, value=str(10**15 - 1)).status_code == 200
    assert json.loads((tmp_path / "tenflags.json").read_text(encoding="utf-8"))["cells"]["s3.new.total"]["value"] == (
        10**15 - 1
    )


def test_exports_keep_a_huge_value_exact_and_do_not_crash(tmp_path: Path, settings: Settings) -> None:
    make_out(tmp_path / "out", settings)
    path = tmp_path / "out" / "tenflags.json"
    payload = json.loads(path.read_text(encoding="utf-8"))
    payload["cells"]["s3.new.total"]["value"] = int(HUGE)
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    for wide in (False, True):
        target = tmp_path / f"cells{'.wide' if wide else ''}.parquet"
        export(tmp_path / "out", target, KeyCatalog(load_layouts(settings.layouts_dir)), wide=wide)
        table = pq.read_table(target).to_pylist()
        if wide:
            assert HUGE in [str(row["s3.new.total"]) for row in table]
        else:
            assert HUGE in [str(row["value"]) for row in table if row["key"] == "s3.new.total"]
