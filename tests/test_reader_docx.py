"""The Word reader: body order, merged cells on the grid, nested, boxed and controlled tables."""

from __future__ import annotations

import copy
import io
import random

import pytest
from docx import Document as new_document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from bench.render_docx import render_docx
from bench.truth import make_truth
from ingest.detect import detect
from ingest.models import Paragraph, Table
from ingest.pipeline import convert_bytes
from ingest.readers.docx import read_docx_blocks
from tests.conftest import same_value

_MC_WPS_V = (
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)


def _bytes(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _texts(table) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows]


def test_merged_cells_cover_their_grid_positions_with_one_origin(settings):
    doc = new_document()
    t = doc.add_table(rows=3, cols=4)
    t.cell(0, 0).merge(t.cell(1, 0)).text = "办理结果"
    t.cell(0, 1).merge(t.cell(0, 3)).text = "申请人情况"
    for c, text in enumerate(["自然人", "商业企业", "总计"], start=1):
        t.cell(1, c).text = text
    for c, text in enumerate(["予以公开", "1", "2", "3"]):
        t.cell(2, c).text = text

    (table,) = read_docx_blocks(_bytes(doc), settings)

    assert isinstance(table, Table)
    assert _texts(table) == [
        ["办理结果", "申请人情况", "申请人情况", "申请人情况"],
        ["办理结果", "自然人", "商业企业", "总计"],
        ["予以公开", "1", "2", "3"],
    ]
    assert {c.origin for c in table.rows[0][1:]} == {(0, 1)}
    assert table.rows[0][0].origin == table.rows[1][0].origin == (0, 0)
    assert [(c.row, c.col) for c in table.rows[1]] == [(1, 0), (1, 1), (1, 2), (1, 3)]


def test_cell_lines_join_without_space_for_chinese_and_with_one_for_latin(settings):
    doc = new_document()
    t = doc.add_table(rows=1, cols=3)
    run = t.cell(0, 0).paragraphs[0].add_run("商业")
    run.add_break()
    t.cell(0, 0).paragraphs[0].add_run("企业")
    t.cell(0, 1).text = "法人或其他组织"
    t.cell(0, 1).add_paragraph("其他")
    t.cell(0, 2).text = "Word"
    t.cell(0, 2).add_paragraph("2010")

    (table,) = read_docx_blocks(_bytes(doc), settings)

    assert _texts(table) == [["商业企业", "法人或其他组织其他", "Word 2010"]]


def test_paragraphs_and_tables_keep_body_order(settings):
    doc = new_document()
    doc.add_paragraph("某某县2023年政府信息公开工作年度报告")
    doc.add_table(rows=1, cols=2).cell(0, 0).text = "first"
    doc.add_paragraph("三、收到和处理政府信息公开申请情况")
    doc.add_table(rows=1, cols=2).cell(0, 0).text = "second"

    blocks = read_docx_blocks(_bytes(doc), settings)

    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Table", "Paragraph", "Table"]
    assert isinstance(blocks[0], Paragraph) and blocks[0].text.startswith("某某县2023年")
    assert [_texts(b)[0][0] for b in blocks if isinstance(b, Table)] == ["first", "second"]


def test_layout_table_gives_the_tables_it_wraps_in_order(settings):
    doc = new_document()
    holder = doc.add_table(rows=1, cols=1).cell(0, 0)
    holder.paragraphs[0].text = "二、主动公开政府信息情况"
    for name in ("inner one", "inner two"):
        inner = holder.add_table(rows=2, cols=2)
        inner.cell(0, 0).text = name
        inner.cell(1, 1).text = "7"
        holder.add_paragraph("")

    blocks = read_docx_blocks(_bytes(doc), settings)

    assert [b.text if isinstance(b, Paragraph) else _texts(b)[0][0] for b in blocks] == [
        "二、主动公开政府信息情况", "inner one", "inner two",
    ]
    assert all(len(b.rows) == 2 for b in blocks if isinstance(b, Table))


def test_table_inside_a_content_control_is_read(settings):
    doc = new_document()
    doc.add_paragraph("before")
    table = doc.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "规章"
    table.cell(0, 1).text = "3"
    sdt = parse_xml(f"<w:sdt {nsdecls('w')}><w:sdtPr/><w:sdtContent/></w:sdt>")
    table._tbl.addprevious(sdt)
    sdt.find(qn("w:sdtContent")).append(table._tbl)

    blocks = read_docx_blocks(_bytes(doc), settings)

    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Table"]
    assert _texts(blocks[1]) == [["规章", "3"]]


def test_table_in_a_text_box_is_read_once_not_again_from_its_fallback(settings):
    doc = new_document()
    source = doc.add_table(rows=1, cols=2)
    source.cell(0, 0).text = "行政许可"
    source.cell(0, 1).text = "12"
    tbl = source._tbl
    tbl.getparent().remove(tbl)
    box = parse_xml(
        f'<w:p {nsdecls("w")} {_MC_WPS_V}><w:r><w:t>正文</w:t></w:r><w:r><mc:AlternateContent>'
        '<mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent/></wps:txbx></w:drawing></mc:Choice>'
        '<mc:Fallback><w:pict><v:textbox><w:txbxContent/></v:textbox></w:pict></mc:Fallback>'
        "</mc:AlternateContent></w:r></w:p>"
    )
    for content in box.iter(qn("w:txbxContent")):
        content.append(copy.deepcopy(tbl))
        content.append(parse_xml(f"<w:p {nsdecls('w')}/>"))
    doc.element.body.insert(0, box)

    blocks = read_docx_blocks(_bytes(doc), settings)

    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Table"]
    assert isinstance(blocks[0], Paragraph) and blocks[0].text == "正文"
    assert _texts(blocks[1]) == [["行政许可", "12"]]


@pytest.mark.parametrize("seed", [11, 12, 13, 14, 15])
def test_generated_reports_convert_cell_for_cell(tmp_path, settings, seed):
    truth = make_truth(seed)
    path = render_docx(truth, tmp_path / f"report-{seed}", random.Random(seed))
    data = path.read_bytes()
    assert detect(data).format == "docx"

    report = convert_bytes(data, path.name, settings)

    assert report.error is None, report.error
    assert report.source.format == "docx"
    assert report.report is not None and (report.report.agency, report.report.year) == (truth.agency, truth.year)
    wrong = {k: (report.cells[k].value, v) for k, v in truth.cells.items() if not same_value(report.cells[k].value, v)}
    assert wrong == {}
