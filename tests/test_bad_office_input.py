"""Bad Word and web files in a run: each gets its own error JSON, fast, and the run goes on."""

from __future__ import annotations

import io
import json
import random
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

from docx import Document as new_document

from bench.render_docx import render_docx
from bench.truth import make_truth
from ingest.cli import main

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return out.getvalue()


def _truncated_docx() -> bytes:
    """A Word file whose main part is cut off mid-XML."""
    whole = io.BytesIO()
    new_document().save(whole)
    with zipfile.ZipFile(whole) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    parts["word/document.xml"] = parts["word/document.xml"][:300]
    return _zip(parts)


def _bad_files(folder: Path) -> dict[str, str]:
    """Bad inputs written to `folder`, each with the error code it must give."""
    files = {
        # A ZIP of something else, named as Word.
        "renamed.docx": (_zip({"photos/readme.txt": b"holiday pictures"}), "unknown_format"),
        # A Word file cut short.
        "damaged.docx": (_truncated_docx(), "damaged_document"),
        # A Word container whose body inflates 1000-fold (64 MB of zeros).
        "bomb.docx": (
            _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": bytes(64 * 1024 * 1024)}),
            "file_too_large",
        ),
        # Office encryption: an OLE2 file holding EncryptionInfo and EncryptedPackage streams.
        "locked.docx": (
            _OLE2 + bytes(504) + "EncryptionInfo".encode("utf-16-le") + bytes(50)
            + "EncryptedPackage".encode("utf-16-le") + random.Random(3).randbytes(4096),
            "password_protected",
        ),
        # Legacy Word that LibreOffice cannot open.
        "broken.doc": (_OLE2 + bytes(504) + "WordDocument".encode("utf-16-le") + random.Random(5).randbytes(20000),
                       "tool_failed"),
        # A 50 MB page.
        "huge.html": (b"<html><body>" + "<p>年报</p>\n".encode() * (50 * 1024 * 1024 // 14), "file_too_large"),
        # A page with no table at all.
        "no-table.html": ("<html><body><h1>通知</h1><p>今天天气很好。</p></body></html>".encode(), "not_a_report"),
        # A page that only links to the report.
        "link-only.html": (
            '<html><body><p>附件：<a href="/up/2023nianbao.pdf">2023年年报</a></p></body></html>'.encode(),
            "attachment_only",
        ),
    }
    for name, (data, _code) in files.items():
        (folder / name).write_bytes(data)
    return {name: code for name, (_data, code) in files.items()}


def test_each_bad_file_gets_its_error_and_the_good_one_converts(tmp_path, monkeypatch):
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setenv("TMPDIR", str(private))
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    expected = _bad_files(inputs)
    truth = make_truth(41)
    good = render_docx(truth, inputs / "good", random.Random(41))

    started = time.monotonic()
    status = main(["run", str(inputs), "--out", str(out), "--jobs", "2"])
    elapsed = time.monotonic() - started

    assert status == 1
    assert elapsed < 90
    for name, code in expected.items():
        result = json.loads((out / f"{Path(name).stem}.json").read_text(encoding="utf-8"))
        assert result["error"]["code"] == code, (name, result["error"])
        assert result["error"]["message"].startswith(f"{name}: "), result["error"]
    converted = json.loads((out / f"{good.stem}.json").read_text(encoding="utf-8"))
    assert "error" not in converted or converted["error"] is None
    assert (converted["report"]["agency"], converted["report"]["year"]) == (truth.agency, truth.year)
    leftovers = subprocess.run(["pgrep", "-fa", f"soffice.*{private}"], capture_output=True, text=True)
    assert leftovers.stdout == ""
