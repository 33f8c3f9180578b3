"""The CPU cost of converting a batch as a user does: one `ingest run --jobs 1` process over
the batch, start-up included.

The benchmark's own per-document CPU figure is taken inside processes whose imports and OCR
models were loaded beforehand; a user's `ingest run` pays for them (about a CPU second), as
whole-page Tesseract pays for starting `tesseract` on every page. This measures the whole
command: the process, its worker and the tools they started (wait4 gives the CPU of the
process with that of every process it reaped)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class CommandCost:
    """CPU seconds (user + system) of one `ingest run` and the peak RSS of its largest process."""

    cpu_seconds: float
    peak_rss_mb: float


def run_cost(documents: list[Path]) -> CommandCost:
    """Convert `documents` with one `ingest run --jobs 1` in a fresh process; what it cost."""
    with tempfile.TemporaryDirectory(prefix="bench-run-") as out:
        command = [sys.executable, "-m", "ingest", "run", "--jobs", "1", "--out", out, *map(str, documents)]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(process.pid, 0)
        process.returncode = 0
    # ru_maxrss is in KiB on Linux: the largest of the process and those it reaped.
    return CommandCost(usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)
