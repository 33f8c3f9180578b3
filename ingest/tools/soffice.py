"""LibreOffice headless conversions, in a private profile, with a time limit.

No `soffice` process outlives a call: the converter runs in its own process group,
which is killed on timeout or failure.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ingest.errors import ErrorCode, ToolError


def soffice_binary() -> str:
    """Path of the LibreOffice executable; ToolError when it is not installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise ToolError(ErrorCode.TOOL_FAILED, "LibreOffice (soffice) is not installed")


def convert(source: Path, target: str, out_dir: Path, timeout: float = 120.0) -> Path:
    """Convert `source` with LibreOffice to `target` (e.g. "docx", "doc", "pdf") in `out_dir`.

    `target` may carry a filter, as soffice takes it ("docx:MS Word 2007 XML").
    Returns the written file; raises a ToolError (TOOL_TIMEOUT or TOOL_FAILED)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    extension = target.split(":", 1)[0]
    with tempfile.TemporaryDirectory(prefix="ingest-soffice-") as profile:
        cmd = [
            soffice_binary(),
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless", "--norestore", "--nolockcheck", "--nodefault", "--nofirststartwizard",
            "--convert-to", target, "--outdir", str(out_dir), str(source),
        ]
        env = {**os.environ, "HOME": profile, "SAL_USE_VCLPLUGIN": "svp"}
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True
        )
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise ToolError(
                ErrorCode.TOOL_TIMEOUT, f"LibreOffice did not finish converting {source.name} in {timeout:.0f}s"
            ) from None
        finally:
            _kill_group(proc)
    produced = out_dir / f"{source.stem}.{extension}"
    if proc.returncode != 0 or not produced.exists():
        detail = (stderr or stdout).decode("utf-8", "replace").strip().splitlines()
        reason = detail[-1] if detail else f"exit status {proc.returncode}"
        raise ToolError(ErrorCode.TOOL_FAILED, f"LibreOffice could not convert {source.name} to {extension}: {reason}")
    return produced


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
