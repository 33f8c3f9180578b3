"""`ingest export`: every cell of a folder of results lands once, with its value, in CSV, Excel and Parquet."""

from __future__ import annotations

import copy
import csv
import json
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest

from ingest import export as export_module
from ingest.cli import main
from ingest.export import KeyCatalog, errors_path, export
from ingest.layouts import load_layouts
from ingest.output import report_to_dict
from ingest.pipeline import convert_bytes, convert_file
from ingest.settings import Settings
from tests.conftest import SEEDS, same_value

REVIEWED_KEY = "s3.new.total"
FORMATS = [".csv", ".xlsx", ".parquet"]


@pytest.fixture(scope="module")
def catalog(settings: Settings) -> KeyCatalog:
    return KeyCatalog(load_layouts(settings.layouts_dir))


@pytest.fixture(scope="module")
def results(settings: Settings) -> dict[str, dict[str, Any]]:
    """Result JSONs by source file: the seeds, one hand-reviewed copy and one failure."""
    out = {seed.name: report_to_dict(convert_file(seed, settings)) for seed in SEEDS}
    reviewed = copy.deepcopy(out[SEEDS[0].name])
    reviewed["source"]["file"] = "reviewed.txt"
    cell = reviewed["cells"][REVIEWED_KEY]
    # What the review writes: the corrected value, the flag, and what had been read.
    cell.update({"read_value": cell["value"], "value": cell["value"] + 7, "reviewed": True})
    out["reviewed.txt"] = reviewed
    out["junk.txt"] = report_to_dict(convert_bytes(b"hello, this is no report", "junk.txt", settings))
    assert "error" in out["junk.txt"]
    return out


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory, results: dict[str, dict[str, Any]]) -> Path:
    folder = tmp_path_factory.mktemp("results")
    for name, data in results.items():
        (folder / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    # Neither a half-written temporary file nor an unrelated JSON is a result.
    (folder / ".seed_000.json.tmp.json").write_text("{", encoding="utf-8")
    (folder / "settings.json").write_text('{"theme": "dark"}', encoding="utf-8")
    # A result cut short is listed with the failures, not dropped.
    (folder / "broken.json").write_text('{"schema": "gov-disclosure-report/1", "cells": {', encoding="utf-8")
    return folder


def read_back(path: Path, sheet: str) -> list[dict[str, Any]]:
    """The rows of a written table as dicts, blanks as None."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return [{k: (v if v != "" else None) for k, v in row.items()} for row in csv.DictReader(fh)]
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        rows = list(load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True))
        return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    import pyarrow.parquet as pq

    rows_: list[dict[str, Any]] = pq.read_table(path).to_pylist()
    return rows_


def read_errors(target: Path) -> list[dict[str, Any]]:
    if target.suffix == ".xlsx":
        return read_back(target, "errors")
    return read_back(errors_path(target), "errors")


def truthy(value: Any) -> bool:
    return value in (True, "True")


@pytest.mark.parametrize("suffix", FORMATS)
def test_long_table_holds_every_cell_once_with_its_value(
    suffix: str, out_dir: Path, results: dict[str, dict[str, Any]], catalog: KeyCatalog, tmp_path: Path
) -> None:
    target = tmp_path / f"cells{suffix}"
    export(out_dir, target, catalog)
    rows = read_back(target, "cells")
    seen = [(r["file"], r["key"]) for r in rows]
    assert len(seen) == len(set(seen))
    converted = {name: data for name, data in results.items() if "error" not in data}
    expected = {(name, key): cell for name, data in converted.items() for key, cell in data["cells"].items()}
    assert set(seen) == set(expected)
    by_cell = {(r["file"], r["key"]): r for r in rows}
    wrong = [k for k, cell in expected.items() if not same_value(by_cell[k]["value"], cell["value"])]
    assert wrong == []
    original = results[SEEDS[0].name]["cells"][REVIEWED_KEY]["value"]
    reviewed = by_cell[("reviewed.txt", REVIEWED_KEY)]
    assert same_value(reviewed["value"], original + 7)  # the correction wins
    assert same_value(reviewed["read_value"], original)
    assert truthy(reviewed["reviewed"])
    assert not truthy(by_cell[(SEEDS[0].name, REVIEWED_KEY)]["reviewed"])
    expected_errors = [("broken.json", "unreadable_result"), ("junk.txt", "not_a_report")]
    assert [(e["file"], e["code"]) for e in read_errors(target)] == expected_errors


@pytest.mark.parametrize("suffix", FORMATS)
def test_wide_table_has_one_row_per_report_and_aligns_the_templates(
    suffix: str, out_dir: Path, results: dict[str, dict[str, Any]], catalog: KeyCatalog, tmp_path: Path
) -> None:
    target = tmp_path / f"reports{suffix}"
    export(out_dir, target, catalog, wide=True)
    rows = {r["file"]: r for r in read_back(target, "reports")}
    converted = {name: data for name, data in results.items() if "error" not in data}
    assert set(rows) == set(converted)
    assert len(read_back(target, "reports")) == len(converted)
    for name, data in converted.items():
        # 2019 and 2021 reports alike: section 三 and 四 share their columns.
        assert same_value(rows[name][REVIEWED_KEY], data["cells"][REVIEWED_KEY]["value"])
        assert same_value(rows[name]["s4.review.total"], data["cells"]["s4.review.total"]["value"])
    templates = {name: data["template"] for name, data in converted.items()}
    assert set(templates.values()) == {"2019", "2021"}
    for name, template in templates.items():
        made = converted[name]["cells"].get("s2.regulations.made", {}).get("value")
        assert same_value(rows[name]["2019:s2.regulations.made"], made)
        assert (rows[name]["s2.regulations.issued"] is None) == (template == "2019")
    assert same_value(rows["reviewed.txt"][REVIEWED_KEY], converted["reviewed.txt"]["cells"][REVIEWED_KEY]["value"])
    assert [e["file"] for e in read_errors(target)] == ["broken.json", "junk.txt"]


def test_chinese_labels_name_each_cell(out_dir: Path, catalog: KeyCatalog, tmp_path: Path) -> None:
    long_target, wide_target = tmp_path / "long.csv", tmp_path / "wide.csv"
    export(out_dir, long_target, catalog, labels="zh")
    export(out_dir, wide_target, catalog, wide=True, labels="zh")
    long_rows = read_back(long_target, "cells")
    row = next(r for r in long_rows if r["键"] == "s3.denied.state_secret.total")
    assert row["部分"] == "三、收到和处理政府信息公开申请情况"
    assert (row["行"], row["列"]) == ("（三）不予公开 1.属于国家秘密", "总计")
    enterprise = next(r for r in long_rows if r["键"] == "s3.new.enterprise")
    assert enterprise["列"] == "法人或其他组织 商业企业"
    with wide_target.open(encoding="utf-8-sig") as fh:
        header = next(csv.reader(fh))
    assert len(header) == len(set(header))
    assert "一、本年新收政府信息公开申请数量 · 总计" in header
    assert "规章 · 本年新制作数量（2019）" in header


def test_every_key_the_templates_share_is_declared_the_same(catalog: KeyCatalog, settings: Settings) -> None:
    # A key printed by both templates shares a column only when the layout says it means the same.
    newest, older = load_layouts(settings.layouts_dir)
    assert older.aligns_with is not None and older.aligns_with.template == newest.template
    newest_keys = {k for row in newest.rows() for k in row.cell_keys()}
    older_keys = {k for row in older.rows() for k in row.cell_keys()}
    assert all(older.aligns_with.covers(k) for k in newest_keys & older_keys)
    assert all(any(fnmatchcase(k, pattern) for k in newest_keys) for pattern in older.aligns_with.keys)
    for key in ("s2.licensing.decisions", "s3.denied.process.total", "s4.suit_direct.pending"):
        assert catalog.info("2019", key).common_key == key
    # Made and disclosed (2019) are not issued and in force (2021).
    assert catalog.info("2019", "s2.regulations.made").common_key == "2019:s2.regulations.made"


def test_cli_export_and_its_refusals(out_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["export", str(out_dir), "--to", str(tmp_path / "t.parquet"), "--wide", "--labels", "zh"]) == 0
    assert main(["export", str(out_dir), "--to", str(tmp_path / "t.json")]) == 2
    assert main(["export", str(tmp_path / "missing"), "--to", str(tmp_path / "t.csv")]) == 2
    monkeypatch.setattr(export_module, "XLSX_MAX_ROWS", 100)
    assert main(["export", str(out_dir), "--to", str(tmp_path / "t.xlsx")]) == 2
    assert main(["export", str(out_dir), "--to", str(tmp_path / "t.xlsx"), "--wide"]) == 0
