"""Bad PDFs in a run: each gets a clear error JSON, fast, and the good ones still convert."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import pypdfium2
from docx import Document as WordDocument
from PIL import Image

from bench.render_docx import render_docx, render_pdf_text
from bench.truth import make_truth
from ingest.cli import main
from ingest.tools.soffice import convert

_LOCKED = '{"EncryptFile":{"type":"boolean","value":"true"},"DocumentOpenPassword":{"type":"string","value":"secret"}}'
_OWNER_ONLY = (
    '{"EncryptFile":{"type":"boolean","value":"true"},"RestrictPermissions":{"type":"boolean","value":"true"},'
    '"PermissionPassword":{"type":"string","value":"owner"}}'
)


def _letter(folder: Path) -> Path:
    doc = WordDocument()
    doc.add_paragraph("关于报送2023年政府信息公开工作年度报告的函")
    doc.add_paragraph("区政府办公室：现将我镇2023年政府信息公开工作年度报告报送你们，请审阅。")
    source = folder / "letter.docx"
    doc.save(str(source))
    return source


def _exported(source: Path, target: str, out: Path, name: str) -> Path:
    produced = convert(source, target, out.parent / f"tmp-{name}")
    final = out / name
    produced.rename(final)
    return final


def test_bad_pdfs_each_give_an_error_and_the_run_goes_on(tmp_path: Path) -> None:
    inbox, out, work = tmp_path / "in", tmp_path / "out", tmp_path / "work"
    inbox.mkdir()
    work.mkdir()
    good = render_pdf_text(make_truth(11, "2021"), inbox / "good", random.Random(11))
    data = good.read_bytes()
    (inbox / "truncated.pdf").write_bytes(data[: len(data) // 2])
    blank = pypdfium2.PdfDocument.new()
    for _ in range(2000):
        blank.new_page(595, 842)
    blank.save(inbox / "blank-2000.pdf")
    Image.new("L", (800, 1100), 255).save(inbox / "scanned.pdf")
    letter = _letter(work)
    _exported(letter, "pdf", inbox, "letter.pdf")
    _exported(letter, f"pdf:writer_pdf_Export:{_LOCKED}", inbox, "locked.pdf")
    # Encrypted, but opens with an empty user password: read like any other.
    report_docx = render_docx(make_truth(12, "2021"), work / "owner-only", random.Random(12))
    _exported(report_docx, f"pdf:writer_pdf_Export:{_OWNER_ONLY}", inbox, "owner-only.pdf")
    expected = {
        "good": None,
        "owner-only": None,
        "truncated": "damaged_document",
        "blank-2000": "file_too_large",
        "scanned": "not_a_report",  # an image-only PDF of a blank page: read by OCR, nothing found
        "letter": "not_a_report",
        "locked": "password_protected",
    }

    started = time.monotonic()
    main(["run", str(inbox), "--out", str(out), "--jobs", "2"])
    assert time.monotonic() - started < 120

    for stem, code in expected.items():
        result = json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))
        got = result.get("error", {}).get("code") if result.get("error") else None
        assert got == code, (stem, result.get("error"))
    scanned = json.loads((out / "scanned.json").read_text(encoding="utf-8"))
    assert scanned["source"]["format"] == "pdf_scanned"
    assert json.loads((out / "good.json").read_text(encoding="utf-8"))["source"]["format"] == "pdf_text"
