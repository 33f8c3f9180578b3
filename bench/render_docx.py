"""Word, legacy Word and text PDF renderings of a generated report.

The docx is built with python-docx from the format-independent plan (report_text) with
the fonts, sizes, widths and merges real reports use; the .doc and the PDF are that docx
converted by LibreOffice, as many agencies publish them.
"""

from __future__ import annotations

import random
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from docx import Document as new_document
from docx.document import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tc
from docx.shared import Cm, Emu, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from bench.report_text import Block, Para, PlanCell, ReportTable, build_plan, draw_style
from bench.text_layer import TextLine, locate_keys, text_lines
from bench.truth import ReportTruth
from ingest.tools.soffice import convert

A4_CM = (21.0, 29.7)
# (top and bottom, left and right): Word's default, the 公文 standard (GB/T 9704), a narrow one.
_MARGINS_CM = [(2.54, 3.17), (3.7, 2.8), (2.54, 2.54)]


@dataclass(frozen=True)
class DocxStyle:
    """Per-document typography drawn once."""

    title_font: str
    heading_font: str
    body_font: str
    table_font: str
    title_size: float
    body_size: float
    table_size: float
    line_pitch: float | None  # fixed line spacing in points, None for single spacing
    margins_cm: tuple[float, float]
    nested_tables: bool
    repeat_header: bool
    centered_labels: bool
    s3_on_new_page: bool


def draw_docx_style(rng: random.Random, s3_on_one_page: bool = False) -> DocxStyle:
    """Typography of one document; `s3_on_one_page` keeps section 三's table off page breaks."""
    body_size = rng.choice([12.0, 14.0, 15.0, 16.0])
    return DocxStyle(
        title_font=rng.choice(["方正小标宋简体", "宋体", "黑体"]),
        heading_font=rng.choice(["黑体", "黑体", "宋体"]),
        body_font=rng.choice(["仿宋_GB2312", "仿宋", "宋体"]),
        table_font=rng.choice(["宋体", "仿宋_GB2312", "宋体"]),
        title_size=rng.choice([18.0, 20.0, 22.0]),
        body_size=body_size,
        table_size=rng.choice([8.0, 9.0, 9.0]) if s3_on_one_page else rng.choice([9.0, 10.0, 10.5, 12.0]),
        # 公文 print 三号 (16 pt) body text on a fixed 28 pt line pitch.
        line_pitch=rng.choice([None, body_size * 1.5, 28.0 if body_size == 16.0 else None]),
        margins_cm=rng.choice(_MARGINS_CM),
        nested_tables=rng.random() < 0.15,
        repeat_header=rng.random() < 0.3,
        centered_labels=rng.random() < 0.5,
        s3_on_new_page=s3_on_one_page,
    )


def build_docx(truth: ReportTruth, rng: random.Random, s3_on_one_page: bool = False) -> tuple[Document, list[Block]]:
    """The report as a python-docx Document, and the plan it prints."""
    plan = build_plan(truth, rng, draw_style(rng))
    style = draw_docx_style(rng, s3_on_one_page)
    doc = new_document()
    _page_setup(doc, style)
    for block in plan:
        if isinstance(block, Para):
            paragraph = _paragraph(doc, block, style)
            if style.s3_on_new_page and block.text.startswith("三、收到"):
                paragraph.paragraph_format.page_break_before = True
        else:
            # Some sites' Word files hold each table inside a borderless one-cell layout table.
            holder = doc.add_table(rows=1, cols=1).cell(0, 0) if style.nested_tables else None
            _table(doc, holder, block, style)
    return doc, plan


def render_docx(truth: ReportTruth, out: Path, rng: random.Random) -> Path:
    """Renderer: the report as a Word document (<out>.docx)."""
    doc, _ = build_docx(truth, rng)
    path = out.with_suffix(".docx")
    doc.save(str(path))
    return path


def render_doc(truth: ReportTruth, out: Path, rng: random.Random) -> Path:
    """Renderer: the docx saved as legacy Word 97 by LibreOffice (<out>.doc)."""
    doc, _ = build_docx(truth, rng)
    return _converted(doc, "doc", out)


class PrintedPdf(NamedTuple):
    path: Path
    plan: list[Block]
    lines: list[TextLine]
    key_pages: dict[str, int]  # the page each truth key is printed on


def pdf_with_plan(truth: ReportTruth, out: Path, rng: random.Random) -> PrintedPdf:
    """The docx exported to PDF by LibreOffice (<out>.pdf), the plan it prints and where.

    About half the documents let section 三's table run over a page break; the others
    start it on a new page in a small font so that it stays on one page. LibreOffice now and
    then drops every row but the first of a table just before such a page (seed 229's 二, 2626's 四):
    the report is then laid out the other way, never scored against rows it does not print."""
    s3_on_one_page = rng.random() < 0.5
    blank = {key for key, value in truth.cells.items() if value is None}
    for _layout in range(2):
        doc, plan = build_docx(truth, rng, s3_on_one_page=s3_on_one_page)
        path = _converted(doc, "pdf", out)
        lines = text_lines(path)
        try:
            return PrintedPdf(path, plan, lines, locate_keys(lines, plan, blank))
        except LookupError:
            s3_on_one_page = not s3_on_one_page
    raise LookupError(f"{out.name}: LibreOffice left table rows out of the PDF in both layouts")


def render_pdf_text(truth: ReportTruth, out: Path, rng: random.Random) -> Path:
    """Renderer: the report as a PDF with a text layer (<out>.pdf)."""
    return pdf_with_plan(truth, out, rng).path


def _converted(doc: Document, target: str, out: Path) -> Path:
    with tempfile.TemporaryDirectory(prefix="bench-docx-") as tmp:
        source = Path(tmp) / f"{out.name}.docx"
        doc.save(str(source))
        produced = convert(source, target, Path(tmp) / "out")
        final = out.with_suffix(f".{target}")
        shutil.move(str(produced), final)
    return final


# --- Layout -----------------------------------------------------------------------------------

def _page_setup(doc: Document, style: DocxStyle) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Cm(A4_CM[0]), Cm(A4_CM[1])
    section.top_margin = section.bottom_margin = Cm(style.margins_cm[0])
    section.left_margin = section.right_margin = Cm(style.margins_cm[1])
    normal = doc.styles["Normal"]
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)


def _set_font(run: Run, font: str, size: float, bold: bool = False) -> None:
    """Latin text in Times New Roman, Chinese in `font` (the w:eastAsia slot Word uses)."""
    run.font.name = "Times New Roman"
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _paragraph(doc: Document, block: Para, style: DocxStyle) -> Paragraph:
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    font, size, bold = style.body_font, style.body_size, False
    if block.kind == "title":
        font, size, bold = style.title_font, style.title_size, style.title_font == "黑体"
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.space_after = Pt(6)
    elif block.kind == "signature":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    else:
        fmt.first_line_indent = Pt(style.body_size * 2)
        if block.kind == "heading":
            font = style.heading_font
            bold = font == "宋体"
        elif block.kind == "subheading":
            font, bold = "楷体_GB2312", True
    if style.line_pitch and block.kind != "title":
        fmt.line_spacing = Pt(style.line_pitch)
    _set_font(paragraph.add_run(block.text), font, size, bold)
    return paragraph


def _table(doc: Document, holder: _Cell | None, block: ReportTable, style: DocxStyle) -> None:
    n_rows = len(block.rows)
    table = (holder or doc).add_table(rows=n_rows, cols=block.n_cols)
    table.style = "Table Grid"
    table.autofit = False
    text_width = Cm(A4_CM[0] - 2 * style.margins_cm[1] - (0.4 if holder is not None else 0))
    widths = [int(text_width * w) for w in block.widths]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for r, row in enumerate(table.rows):
        props = row._tr.get_or_add_trPr()
        props.append(OxmlElement("w:cantSplit"))
        if style.repeat_header and r < block.header_rows:
            props.append(OxmlElement("w:tblHeader"))
    for cell, tc in _merged(table, block):
        target = _Cell(tc, table)
        target.width = Emu(sum(widths[cell.col:cell.col + cell.colspan]))
        _fill(target, cell.text, cell.key is not None or cell.header or style.centered_labels, style)
    if holder is not None:
        holder.add_paragraph()  # Word needs a paragraph after a nested table


def _merged(table: Table, block: ReportTable) -> list[tuple[PlanCell, CT_Tc]]:
    """Merge the grid as Word does (gridSpan across, vMerge restart/continue down); each printed
    cell with its top-left <w:tc>. Done on the XML: python-docx's merge() rescans the table per call."""
    covered = {(r, k) for c in block.cells for r in range(c.row, c.row + c.rowspan)
               for k in range(c.col + 1, c.col + c.colspan)}
    spans = {(r, c.col): (c, r == c.row) for c in block.cells for r in range(c.row, c.row + c.rowspan)}
    printed = []
    for r, tr in enumerate(table._tbl.tr_lst):
        for k, tc in enumerate(list(tr.tc_lst)):
            if (r, k) in covered:
                tr.remove(tc)
                continue
            cell, top = spans[(r, k)]
            props = tc.get_or_add_tcPr()
            if cell.colspan > 1:
                props.grid_span = cell.colspan
            if cell.rowspan > 1:
                props.vMerge_val = "restart" if top else "continue"
            if top:
                printed.append((cell, tc))
    return printed


def _fill(cell: _Cell, text: str, centered: bool, style: DocxStyle) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    if centered:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(paragraph.add_run(text), style.table_font, style.table_size)

