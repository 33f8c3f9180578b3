"""A result written: its page images and its JSON object (`ingest.contract`), each atomically."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ingest.contract import report_to_dict as report_to_dict  # the writer's callers convert too
from ingest.models import Report

# Writes a report's JSON object to its path (atomically).
JsonWriter = Callable[[Path, dict[str, Any]], None]


def page_images_dir(json_path: Path) -> Path:
    """Where the page images of a result live: `<stem>.pages/` beside its JSON."""
    return json_path.with_name(json_path.name.removesuffix(".json") + ".pages")


def page_image_path(folder: Path, number: int) -> Path:
    """A page image in a result's page-image folder (JPEG, as the scan reader encodes them)."""
    return folder / f"page-{number}.jpg"


def write_report(report: Report, path: Path, write_json: JsonWriter | None = None) -> None:
    """The result's page images (if any), then its JSON, each written atomically.

    `write_json` replaces the plain atomic write (the service's passes reviewers' decisions on).
    """
    if report.page_images:
        folder = page_images_dir(path)
        folder.mkdir(parents=True, exist_ok=True)
        for number, image in sorted(report.page_images.items()):
            _write_bytes_atomic(page_image_path(folder, number), image)
    (write_json or write_json_atomic)(path, report_to_dict(report))


# File systems allow 255 bytes per name; names made here keep room for what is added to them.
NAME_BYTES = 200


def fit_name(text: str, limit: int = NAME_BYTES) -> str:
    """`text` cut (at a character boundary) to at most `limit` bytes of UTF-8."""
    return text.encode()[:limit].decode(errors="ignore")


def _umask() -> int:
    # /proc tells without changing it (os.umask would, for a moment, for every thread).
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _temporary(path: Path) -> tuple[int, str]:
    """A temporary file beside `path`, with the mode a new file gets (mkstemp's is always 0600)."""
    # Named after the target but short: a 250-byte target name must not give a 260-byte temporary one.
    fd, tmp = tempfile.mkstemp(prefix=f".{fit_name(path.name, 40)}.", suffix=".tmp", dir=path.parent)
    os.fchmod(fd, 0o666 & ~_umask())
    return fd, tmp


def _write_bytes_atomic(path: Path, data: bytes) -> None:
    fd, tmp = _temporary(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, payload: dict[str, Any]) -> None:
    """Write to a temporary file beside `path`, then rename: never a half-written JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _temporary(path)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, ensure_ascii=False, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
