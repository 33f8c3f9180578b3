"""Legacy Word: converted by LibreOffice in a private profile, then read as .docx."""

from __future__ import annotations

import random
import subprocess
import tempfile
from pathlib import Path

import pytest
from docx import Document as new_document

from bench.render_docx import render_doc
from bench.truth import make_truth
from ingest.detect import detect
from ingest.errors import ErrorCode, ToolError
from ingest.models import Table
from ingest.pipeline import convert_bytes, convert_file
from ingest.readers.doc import DocReader
from ingest.tools.soffice import convert
from tests.conftest import same_value

_CORRUPT_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "WordDocument".encode("utf-16-le") + bytes(
    random.Random(7).randrange(256) for _ in range(20000)
)


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """A temporary folder of this test only: LibreOffice profiles made under it name it."""
    private = tmp_path / "private-tmp"
    private.mkdir()
    monkeypatch.setenv("TMPDIR", str(private))
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    return private


def _soffice_under(folder: Path) -> list[str]:
    found = subprocess.run(["pgrep", "-fa", f"soffice.*{folder}"], capture_output=True, text=True)
    return found.stdout.splitlines()


def _doc_with_merged_table(tmp_path: Path) -> bytes:
    doc = new_document()
    doc.add_paragraph("某某县交通运输局2023年政府信息公开工作年度报告")
    t = doc.add_table(rows=3, cols=3)
    t.cell(0, 0).merge(t.cell(1, 0)).text = "信息内容"
    t.cell(0, 1).merge(t.cell(0, 2)).text = "申请人情况"
    t.cell(1, 1).text = "自然人"
    t.cell(1, 2).text = "总计"
    for c, text in enumerate(["予以公开", "4", "4"]):
        t.cell(2, c).text = text
    # Word always ends a document with a paragraph; LibreOffice's .doc export drops a table that ends it.
    doc.add_paragraph("二〇二四年一月")
    docx_path = tmp_path / "merged.docx"
    doc.save(str(docx_path))
    return convert(docx_path, "doc", tmp_path / "doc").read_bytes()


def test_doc_is_read_through_docx_with_merges_kept(tmp_path, settings):
    data = _doc_with_merged_table(tmp_path)
    detected = detect(data)
    assert detected.format == "doc"

    document = DocReader().read(data, detected, settings)

    assert document.format == "doc"
    assert document.lines()[0] == "某某县交通运输局2023年政府信息公开工作年度报告"
    (table,) = [b for b in document.blocks if isinstance(b, Table)]
    assert [[c.text for c in row] for row in table.rows] == [
        ["信息内容", "申请人情况", "申请人情况"],
        ["信息内容", "自然人", "总计"],
        ["予以公开", "4", "4"],
    ]
    assert table.rows[0][0].origin == table.rows[1][0].origin == (0, 0)
    assert table.rows[0][1].origin == table.rows[0][2].origin == (0, 1)


def test_generated_doc_report_converts_cell_for_cell(tmp_path, settings):
    truth = make_truth(21)
    path = render_doc(truth, tmp_path / "report", random.Random(21))

    report = convert_bytes(path.read_bytes(), path.name, settings)

    assert report.error is None, report.error
    assert report.source.format == "doc"
    wrong = {k: (report.cells[k].value, v) for k, v in truth.cells.items() if not same_value(report.cells[k].value, v)}
    assert wrong == {}


def test_corrupt_doc_is_a_clear_error_and_leaves_no_soffice(private_tmp, settings):
    report = convert_bytes(_CORRUPT_DOC, "broken.doc", settings)

    assert report.error is not None
    assert report.error.code == "tool_failed"
    assert report.error.message.startswith("broken.doc: LibreOffice could not convert")
    assert _soffice_under(private_tmp) == []


def test_conversion_over_its_time_limit_is_killed(tmp_path, private_tmp):
    source = tmp_path / "slow.docx"
    new_document().save(str(source))

    with pytest.raises(ToolError, match="did not finish") as caught:
        convert(source, "doc", tmp_path / "out", timeout=0.2)

    assert caught.value.code is ErrorCode.TOOL_TIMEOUT

    assert _soffice_under(private_tmp) == []


def test_doc_named_file_is_read_as_what_its_content_is(tmp_path, settings):
    docx_inside = tmp_path / "word.doc"
    new_document().save(str(docx_inside))
    html_inside = tmp_path / "page.doc"
    html_inside.write_text("<html><body><p>没有表格</p></body></html>", encoding="utf-8")

    assert convert_file(docx_inside, settings).source.format == "docx"
    assert convert_file(html_inside, settings).source.format == "html"
