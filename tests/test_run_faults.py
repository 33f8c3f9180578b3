"""Issue 14: `ingest run` facing long names and an output folder that is full or read-only: an
error JSON or a clear line per file, a summary line, never a traceback.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS


def ingest(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ingest.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def exported_files(out: Path, tmp_path: Path) -> list[str]:
    table = tmp_path / "cells.csv"
    result = ingest("export", str(out), "--to", str(table))
    assert result.returncode == 0, result.stderr
    with table.open(encoding="utf-8-sig") as fh:
        return sorted({row["file"] for row in csv.DictReader(fh)})


@contextmanager
def tmpfs(mount_point: Path, size: str, read_only: bool = False) -> Iterator[Path]:
    """A small tmpfs (as root): a folder that fills up, or one that refuses writes even to root."""
    mount_point.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                                             str(mount_point)]).returncode != 0:
        pytest.skip("mounting a tmpfs needs root")
    try:
        (mount_point / "out").mkdir()
        if read_only:
            subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True)
        yield mount_point / "out"
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)


def test_a_250_byte_name_converts_and_is_exported(tmp_path: Path) -> None:
    long_name = "年" * 60 + "x" * (250 - 180 - 4) + ".txt"
    assert len(long_name.encode()) == 250
    for folder in ("a", "b"):  # twice: the names made unique must fit too
        (tmp_path / folder).mkdir()
        (tmp_path / folder / long_name).write_bytes(SEEDS[0].read_bytes())
    out = tmp_path / "out"
    result = ingest("run", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith("2 converted, 0 failed")
    assert len(list(out.glob("*.json"))) == 2
    assert exported_files(out, tmp_path) == [long_name]


def test_a_full_output_folder_gives_a_clear_line_and_a_summary(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "mnt", "64k") as out:
        (out / "filler").write_bytes(b"\0" * 60 * 1024)
        result = ingest("run", str(SEEDS[0]), str(SEEDS[1]), "--out", str(out))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stdout.startswith("0 converted, 2 failed (2 write_failed)"), result.stdout
    assert f"{SEEDS[0]}: write_failed" in result.stderr and "No space left on device" in result.stderr


def test_a_read_only_output_folder_gives_a_clear_line_and_a_summary(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "mnt", "1m", read_only=True) as out:
        result = ingest("run", str(SEEDS[0]), "--out", str(out))
        refused = ingest("run", str(SEEDS[0]), "--out", str(out / "new"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + refused.stderr, result.stderr + refused.stderr
    assert result.stdout.startswith("0 converted, 1 failed (1 write_failed)"), result.stdout
    assert "Read-only file system" in result.stderr
    assert refused.returncode == 2
    assert "cannot create the output folder: Read-only file system" in refused.stderr


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_results_honour_the_umask(tmp_path: Path, umask: int) -> None:
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "ingest.cli", "run", str(SEEDS[0]), "--out", str(out)], cwd=ROOT,
        capture_output=True, text=True, timeout=300, preexec_fn=lambda: os.umask(umask),
    )
    assert result.returncode == 0, result.stderr
    assert (out / f"{SEEDS[0].stem}.json").stat().st_mode & 0o777 == 0o666 & ~umask


def test_source_file_keeps_the_path_as_given(tmp_path: Path) -> None:
    for folder in ("2022", "2023"):
        (tmp_path / "in" / folder).mkdir(parents=True)
        (tmp_path / "in" / folder / "report.txt").write_bytes(SEEDS[0].read_bytes())
    (tmp_path / "single.txt").write_bytes(SEEDS[1].read_bytes())
    result = ingest("run", "in", "./single.txt", "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    files = sorted(json.loads(p.read_text(encoding="utf-8"))["source"]["file"] for p in (tmp_path / "out").iterdir())
    assert files == ["2022/report.txt", "2023/report.txt", "single.txt"]
