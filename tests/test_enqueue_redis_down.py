"""Issue 14: `ingest enqueue` with Redis down says so in one line, with no traceback, and leaves no
`queued` row in the index for a job that was never enqueued.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, SEEDS
from tests.redis_server import free_port
from workers.store import Index


def test_enqueue_with_redis_down_is_one_clear_line_and_leaves_no_row(tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = {**os.environ, "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}
    result = subprocess.run([sys.executable, "-m", "ingest.cli", "enqueue", str(SEEDS[0]), "--out", str(out)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("ingest enqueue: Redis is unreachable"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert Index(out / "index.sqlite").all() == []
