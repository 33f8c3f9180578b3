"""Text arrives in UTF-8, UTF-8 with BOM, GB18030/GBK and UTF-16: all read alike."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from ingest.detect import detect
from ingest.output import report_to_dict
from ingest.pipeline import convert_bytes
from ingest.settings import Settings
from tests.conftest import SEEDS

ENCODINGS = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8-bom": lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    "gb18030": lambda t: t.encode("gb18030"),
    "gbk": lambda t: t.encode("gbk", errors="replace"),
    "utf-16-bom": lambda t: t.encode("utf-16"),
    "utf-16-le-no-bom": lambda t: t.encode("utf-16-le"),
}


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_each_encoding_gives_the_same_cells(encoding: str, settings: Settings) -> None:
    seed: Path = SEEDS[2]
    text = seed.read_text(encoding="utf-8")
    data = ENCODINGS[encoding](text)
    assert detect(data).format == "text"
    expected = report_to_dict(convert_bytes(text.encode("utf-8"), seed.name, settings))
    got = report_to_dict(convert_bytes(data, seed.name, settings))
    assert got["report"] == expected["report"]
    assert {k: c["value"] for k, c in got["cells"].items()} == {k: c["value"] for k, c in expected["cells"].items()}


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (b"%PDF-1.7\n%\xe2\xe3", "pdf_text"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image"),
        (b"<!DOCTYPE html><html><body><table></table></body></html>", "html"),
        ("<html><head><meta charset='gbk'></head><body>报告</body></html>".encode("gbk"), "html"),
    ],
)
def test_format_comes_from_content(data: bytes, fmt: str) -> None:
    assert detect(data).format == fmt
