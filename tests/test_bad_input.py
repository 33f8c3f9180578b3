"""Bad input gets a clear error JSON naming the file; the other files still convert."""

from __future__ import annotations

import json
import os
from pathlib import Path

from ingest.cli import main
from tests.conftest import SEEDS


def test_bad_files_get_error_json_and_the_run_goes_on(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    seed_text = SEEDS[2].read_text(encoding="utf-8")
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "random.bin").write_bytes(os.urandom(5000))
    letter = "关于召开2023年度工作会议的通知\n各单位：定于下周一上午召开会议。\n"
    (inbox / "letter.txt").write_text(letter, encoding="utf-8")
    (inbox / "truncated.txt").write_text(seed_text[: seed_text.index("三、收到和处理")], encoding="utf-8")
    (inbox / "good.txt").write_text(seed_text, encoding="utf-8")
    out = tmp_path / "out"

    assert main(["run", str(inbox), "--out", str(out), "--jobs", "2"]) == 1

    expected_codes = {
        "empty": "empty_file",
        "random": "unknown_format",
        "letter": "not_a_report",
    }
    for stem, code in expected_codes.items():
        result = json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))
        assert result["error"]["code"] == code, stem
        assert stem in result["error"]["message"]
        assert "cells" not in result
    truncated = json.loads((out / "truncated.json").read_text(encoding="utf-8"))
    assert "error" not in truncated and truncated["review"]["needed"], "a cut-short report is a partial result"
    good = json.loads((out / "good.json").read_text(encoding="utf-8"))
    assert "error" not in good and good["cells"]["s2.penalty.decisions"]["value"] == 6
    assert not list(out.glob(".*.tmp")), "no half-written files are left"


def test_unsupported_format_is_named(tmp_path: Path) -> None:
    (tmp_path / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    out = tmp_path / "out"
    main(["run", str(tmp_path / "scan.png"), "--out", str(out)])
    result = json.loads((out / "scan.json").read_text(encoding="utf-8"))
    assert result["source"]["format"] == "image"
    assert "scan.png" in result["error"]["message"]


def test_same_name_in_two_folders_keeps_both_results(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "report.txt").write_text(SEEDS[3].read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(out)]) == 0
    assert len(list(out.glob("report*.json"))) == 2
