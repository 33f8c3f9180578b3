"""The generated Word documents: real merged cells, and every truth value in its cell."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.table import Table, _Cell

from bench.render_docx import build_docx, render_doc, render_docx, render_pdf_text
from bench.report_text import Block, GridRow, Para, ReportTable
from bench.text_layer import TextLine, locate_keys
from bench.truth import S3_COLUMNS, ReportTruth, layout_for, make_truth
from ingest.labels import label_core, nfkc


def _truth_with(deviation: str) -> ReportTruth:
    return next(t for t in (make_truth(s) for s in range(2000)) if deviation in t.deviations)


CASES = {
    "2021": make_truth(11, "2021"),
    "2019": make_truth(12, "2019"),
    "single other row": _truth_with("s3.other single row"),
    "2019 label": _truth_with("s2 规范性文件 label (2019)"),
}


def _data_tables(path: Path) -> list[Table]:
    """The report's tables, looking inside one-cell layout tables."""
    found = []
    for table in Document(str(path)).tables:
        if len(table.columns) == 1:
            found += [t for row in table.rows for cell in row.cells for t in cell.tables]
        else:
            found.append(table)
    return found


def _tcs(table) -> list[list[tuple[str, int, str | None]]]:
    """Per row, each <w:tc> as (text, gridSpan, vMerge) straight from the XML."""
    rows = []
    for tr in table._tbl.tr_lst:
        row = []
        for tc in tr.tc_lst:
            props = tc.tcPr
            span = props.find(qn("w:gridSpan")) if props is not None else None
            merge = props.find(qn("w:vMerge")) if props is not None else None
            text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
            row.append((text, int(span.get(qn("w:val"))) if span is not None else 1,
                        None if merge is None else (merge.get(qn("w:val")) or "continue")))
        rows.append(row)
    return rows


def _printed(value) -> str:
    return "" if value is None else str(value)


def _same(text: str, value) -> bool:
    text = text.strip()
    if isinstance(value, Decimal):
        return Decimal(text) == value
    return text == _printed(value)


@pytest.fixture(scope="module", params=list(CASES))
def rendered(request, tmp_path_factory) -> tuple[ReportTruth, list[Table]]:
    truth = CASES[request.param]
    path = render_docx(truth, tmp_path_factory.mktemp("docx") / "report", random.Random(truth.seed))
    return truth, _data_tables(path)


def test_three_tables(rendered):
    _, tables = rendered
    assert [len(t.columns) for t in tables] == [4, 10, 15]


def test_section3_merges(rendered):
    truth, tables = rendered
    rows = _tcs(tables[1])
    note, applicant = rows[0][0], rows[0][1]
    assert note[0].startswith(("（本列数据", "(本列数据")) and note[1:] == (3, "restart")
    assert applicant[:2] == ("申请人情况", 7)
    assert [(c[1], c[2]) for c in rows[1]] == [(3, "continue"), (1, "restart"), (5, None), (1, "restart")]
    assert rows[1][2][0] == "法人或其他组织"
    assert [(c[1], c[2]) for c in rows[2]][:2] == [(3, "continue"), (1, "continue")]
    assert rows[3][0][:2] == ("一、本年新收政府信息公开申请数量", 3)
    outcome = [r for r in rows[3:] if r[0][0] == "三、本年度办理结果" or r[0][2] == "continue"]
    assert outcome[0][0][2] == "restart"
    n_outcomes = sum(1 for k in truth.cells if k.startswith("s3.") and k.endswith(".natural_person")) - 3
    assert len(outcome) == n_outcomes  # 一、 二、 四、 are outside the merge
    start = next(i for i, r in enumerate(rows) if r[1][0].endswith("不予公开"))
    assert rows[start][1][2] == "restart"
    assert [r[1][2] for r in rows[start + 1:start + 9]] == ["continue"] * 7 + ["restart"]  # then （四）


def test_section4_header_levels(rendered):
    _, tables = rendered
    rows = _tcs(tables[2])
    assert [(c[0], c[1]) for c in rows[0]] == [("行政复议", 5), ("行政诉讼", 10)]
    assert [c[2] for c in rows[1][:5]] == ["restart"] * 5
    assert [(c[0], c[1]) for c in rows[1][5:]] == [("未经复议直接起诉", 5), ("复议后起诉", 5)]
    assert len(rows[2]) == 15 and len(rows[3]) == 15


def test_every_value_in_its_cell(rendered):
    truth, tables = rendered
    layout = layout_for(truth.template)
    s2, s3, s4 = tables
    # Section 二: a labelled row, then its values left to right (the last spans the rest).
    s2_rows = {}
    for row in s2.rows:
        texts = [c.text for c in _unique(row.cells)]
        s2_rows[label_core(texts[0])] = texts[1:]
    for row in layout.section("s2").rows:
        keys = [k for k in row.cell_keys() if k in truth.cells]
        printed = next(v for label, v in s2_rows.items() if label in {label_core(x.text) for x in row.labels})
        assert all(_same(t, truth.cells[k]) for t, k in zip(printed, keys, strict=True)), row.key
    # Section 三: rows below the three header rows, in the truth's row order; values in the last 7 columns.
    row_keys = list(dict.fromkeys(k.rsplit(".", 1)[0] for k in truth.cells if k.startswith("s3.")))
    for table_row, row_key in zip(s3.rows[3:], row_keys, strict=True):
        labels = {label_core(x.text) for x in layout.row_by_key("s3", row_key.removeprefix("s3.")).labels}
        assert label_core(table_row.cells[2].text) in labels
        for cell, col in zip(table_row.cells[3:], [*S3_COLUMNS, "total"], strict=True):
            assert _same(cell.text, truth.cells[f"{row_key}.{col}"]), f"{row_key}.{col}"
    values = [c.text for c in s4.rows[3].cells]
    assert all(_same(t, truth.cells[k]) for t, k in zip(values, [k for k in truth.cells if k.startswith("s4.")],
                                                        strict=True))


def _unique(cells: list[_Cell]) -> list[_Cell]:
    out: list[_Cell] = []
    for cell in cells:
        if not out or cell._tc is not out[-1]._tc:
            out.append(cell)
    return out


def test_procurement_unit_in_header():
    truth = CASES["2019"]
    doc, _ = build_docx(truth, random.Random(1))
    texts = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    texts |= {c.text for t in doc.tables for row in t.rows for cell in row.cells for n in cell.tables
              for r in n.rows for c in r.cells}
    assert nfkc(f"采购总金额（{truth.procurement_unit}）") in {nfkc(t) for t in texts}


def test_title_names_agency_and_year():
    truth = CASES["2021"]
    doc, _ = build_docx(truth, random.Random(3))
    head = "".join(p.text for p in doc.paragraphs[:2]).replace(" ", "")
    assert head.startswith(f"{truth.agency}{truth.year}年政府信息公开工作年度报告")


def test_libreoffice_renderings(tmp_path):
    truth = CASES["2021"]
    doc = render_doc(truth, tmp_path / "legacy", random.Random(5))
    assert doc.suffix == ".doc" and doc.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"  # OLE2 compound file
    pdf = render_pdf_text(truth, tmp_path / "text", random.Random(5))
    with pdfplumber.open(pdf) as opened:
        text = "".join(page.extract_text() or "" for page in opened.pages).replace(" ", "")
    assert "三、收到和处理政府信息公开申请情况" in text and "四、结转下年度继续办理" in text


def test_a_value_row_lost_from_the_text_layer_is_missing_unless_printed_blank() -> None:
    """LibreOffice may drop a table's rows at a page break (seed 2626's 四): the label-less value
    row is then no line of numbers, which only a row printed all blank may be."""
    keys = ["s4.review.upheld", "s4.review.total"]
    plan: list[Block] = [Para("四、政府信息公开行政复议、行政诉讼情况", "heading"),
                         ReportTable("s4", 2, [GridRow(keys, None)], [], [1.0, 1.0])]
    lines = [TextLine(2, 700.0, 712.0, 80.0, 500.0, "四、政府信息公开行政复议、行政诉讼情况"),
             TextLine(2, 720.0, 732.0, 80.0, 500.0, "行政复议行政诉讼")]
    assert locate_keys(lines, plan, set(keys)) == dict.fromkeys(keys, 2)
    with pytest.raises(LookupError):
        locate_keys(lines, plan, {keys[0]})
