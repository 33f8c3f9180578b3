"""Scans and images that cannot hold a report end in a clear error, in bounded time."""

from __future__ import annotations

import io
import json
import socket
import struct
import time
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from ingest.cli import main
from ingest.scan.ocr.rapid import RapidOcrEngine


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG declaring width x height whose pixel data is missing: a decompression bomb's shape."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def _encoded(image: np.ndarray, fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, fmt)
    return buffer.getvalue()


def test_bad_images_get_clear_errors(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    rng = np.random.default_rng(1)
    blank = np.full((2339, 1654), 250, np.uint8)
    photo = cv2.GaussianBlur(rng.integers(0, 255, (1200, 1600, 3), dtype=np.uint8), (31, 31), 8)
    jpeg = _encoded(photo, "JPEG")
    (inbox / "blank.png").write_bytes(_encoded(blank, "PNG"))
    (inbox / "photo.jpg").write_bytes(jpeg)
    (inbox / "tiny.png").write_bytes(_encoded(np.zeros((1, 1), np.uint8), "PNG"))
    (inbox / "huge.png").write_bytes(_png_header_only(30000, 30000))
    (inbox / "corrupt.jpg").write_bytes(jpeg[: len(jpeg) // 3])
    out = tmp_path / "out"

    started = time.monotonic()
    assert main(["run", str(inbox), "--out", str(out), "--jobs", "2"]) == 1
    assert time.monotonic() - started < 120

    expected = {
        "blank": "not_a_report",
        "photo": "not_a_report",
        "tiny": "not_a_report",
        "huge": "file_too_large",
        "corrupt": "damaged_document",
    }
    for stem, code in expected.items():
        result = json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))
        assert result["source"]["format"] == "image", stem
        assert result["error"]["code"] == code, (stem, result["error"])


def test_rapidocr_reads_with_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """The recognition model ships in the wheel: nothing is fetched when the engine starts."""
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    crop = np.full((48, 160), 255, np.uint8)
    cv2.putText(crop, "4052", (10, 36), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 3)
    reading = RapidOcrEngine().read_lines([crop], "number")[0]
    assert reading.text == "4052" and reading.confidence > 0.9
