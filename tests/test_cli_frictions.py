"""Issue 14: what a newcomer meets first: --version, `python -m ingest`, the one-call Python API,
argument checks and help texts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ingest import __version__, convert
from ingest.cli import build_parser
from ingest.models import Report
from tests.conftest import ROOT, SEEDS


def test_version_and_python_dash_m() -> None:
    for command in (["-m", "ingest", "--version"], ["-m", "ingest.cli", "--version"]):
        result = subprocess.run([sys.executable, *command], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0 and result.stdout.strip() == f"ingest {__version__}", result


def test_convert_gives_the_typed_report() -> None:
    report = convert(SEEDS[0])
    assert isinstance(report, Report) and report.error is None
    assert report.cells and report.report is not None and report.report.year
    bad = convert(Path(__file__).parent / "no-such-file.docx")
    assert bad.error is not None and bad.error.code == "unreadable_file"


@pytest.mark.parametrize("argv", [["run", "x", "--out", "o", "--jobs", "-3"], ["run", "x", "--out", "o", "--jobs", "0"],
                                  ["worker", "--processes", "0"]])
def test_process_counts_must_be_at_least_one(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(argv)
    assert exit_.value.code == 2
    assert "less than 1" in capsys.readouterr().err


def test_help_texts() -> None:
    parser = build_parser()
    assert "as they land" not in parser.format_help()
    serve = subprocess.run([sys.executable, "-m", "ingest", "serve", "--help"], cwd=ROOT, capture_output=True,
                           text=True, timeout=60).stdout
    assert "address to listen on" in serve and "port to listen on" in serve
