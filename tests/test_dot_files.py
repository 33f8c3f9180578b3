"""Issue 14: an input whose name starts with a dot gets a result that is not hidden, so export,
stats and the review queue see it like any other.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import SEEDS
from tests.test_run_faults import exported_files, ingest
from workers.jobs import result_name


def test_a_dot_file_converts_and_appears_in_export_and_stats(tmp_path: Path) -> None:
    hidden = tmp_path / ".seed report.txt"
    shutil.copyfile(SEEDS[0], hidden)
    out = tmp_path / "out"
    result = ingest("run", hidden.name, "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [p.name for p in out.iterdir()] == ["seed report.json"]
    assert exported_files(out, tmp_path) == [".seed report.txt"]
    stats = ingest("stats", str(out))
    assert stats.returncode == 0, stats.stderr
    total = next(line.split() for line in stats.stdout.splitlines() if line.startswith("all "))
    assert total[1] == "1", stats.stdout  # one report counted


def test_a_dot_file_submitted_to_the_service_gets_a_visible_result() -> None:
    assert result_name(".report.docx", "ab" * 32) == f"report.{'ab' * 6}.json"
