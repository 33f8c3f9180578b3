"""Text PDFs (exported from Word or WPS): ruled tables, rule-less rows and paragraphs.

detect has sorted the pages (text, scanned, blank) from the PDF it opened, a page whose text
layer is garbage counted as scanned. Text pages are read with pdfplumber: ruled tables through
the vector front end (ingest/tables: merged cells from the rule geometry), rows of rule-less
tables from the gaps between words, and the other lines as paragraphs. The scanned pages are
read by OCR. A table cut by a page break is stitched back into one.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from ingest.detect import Detected, PdfPages, open_pdf_pages
from ingest.errors import ErrorCode, InputError
from ingest.models import Block, Document, Paragraph, SourceCell, Table
from ingest.readers.scan import read_scanned_pdf
from ingest.settings import Settings
from ingest.tables.glyphs import (
    Glyph,
    Line,
    bounds,
    cell_text,
    inside,
    is_number,
    join_text,
    line_text,
    lines_of,
    segments,
    with_offset_values_joined,
)
from ingest.tables.model import Box, GridSettings, Slot, bbox, column_stops, nearest, place_cells, row_stops
from ingest.tables.stitch import ITEM_START, TablePiece, stitch
from ingest.tables.text_columns import (
    HeaderColumns,
    centred_columns,
    header_columns,
    placed_under,
    started_columns,
    value_columns,
)
from ingest.tables.vector import (
    Frame,
    lattice_tables,
    missing_frame_rules,
    ruling_edges,
    text_turn,
    turned_edge,
    vector_settings,
)
from ingest.tables.wrapped import WrappedRow, label_columns_apart, wrapped_rows

# A stream table's header lines stand within this many text heights above its first row
# (section 三's three header rows, centred down their cells: 自然人 8.7 above, seed 8263's
# browser print 1); a paragraph longer than this many characters between two runs of its rows
# is no wrapped label of the table's: the rows after it are another table's.
_HEADER_REACH = 12
_LABEL_LINE = 16
_PAGE_NUMBER = re.compile(r"^[-—–－]?\s*\d{1,3}\s*[-—–－]?$|^第\s*\d{1,3}\s*页.*$|^\d{1,3}\s*/\s*\d{1,3}$")


# --- one page: tables, rows and lines ----------------------------------------------------


@dataclass
class StreamRow:
    """The cells of one line of a table drawn without rules, parted by wide gaps."""

    cells: list[SourceCell]
    # Each cell's left and right edge, upright: where a cell printed blank is missing.
    extents: list[tuple[float, float]]
    # The row's top, upright: its table's header lines stand above it.
    top: float

    @property
    def centers(self) -> list[float]:
        return [(x0 + x1) / 2 for x0, x1 in self.extents]


PageItem = TablePiece[float] | Table | Paragraph


def _frame(page: Any) -> Frame:
    turn = text_turn((float(c["matrix"][0]), float(c["matrix"][1])) for c in page.chars if c["text"].strip())
    return Frame(turn, float(page.width), float(page.height))


def _glyphs(page: Any, frame: Frame) -> list[Glyph]:
    """The page's printed characters, in the frame where its text reads upright."""
    out = []
    for c in page.chars:
        text = unicodedata.normalize("NFC", c["text"])
        if text.strip():
            box = frame.upright((float(c["x0"]), float(c["top"]), float(c["x1"]), float(c["bottom"])))
            out.append(Glyph(text, *box))
    return out


def _read_page(page: Any, number: int, header: HeaderColumns) -> tuple[list[PageItem], HeaderColumns]:
    """The page's tables, rule-less rows and paragraphs, top to bottom, and the header
    columns of the rule-less table it ends in (`header`: those of the one the page before
    ended in, which may go on here)."""
    frame = _frame(page)
    glyphs = _glyphs(page, frame)
    gs = vector_settings(g.size for g in glyphs)
    edges = ruling_edges((turned_edge(e, frame) for e in page.edges), gs)
    added = missing_frame_rules(edges, gs)
    placed: list[tuple[float, TablePiece[float] | Line]] = []
    free = glyphs
    for boxes in lattice_tables(edges + added, gs):
        table = _ruled_table(boxes, glyphs, number, gs, frame, [e["top"] for e in added])
        if table is not None:
            placed.append((table.box[1], table))
            free = [g for g in free if not inside(g, table.box)]
    found = with_offset_values_joined(lines_of(free, gs))
    lines = [ln for ln in found if not _is_page_furniture(ln, found, gs, frame.upright_height)]
    side = _side_column(lines, frame.upright_width, gs)
    placed.extend((ln.box[1], ln) for ln in lines if ln not in side)
    # A web page's side menu printed beside the article reads after it, not between its lines.
    ordered = [item for _, item in sorted(placed, key=lambda item: item[0])] + side
    right = max((ln.box[2] for ln in lines), default=0.0)
    return _stream_tables(_line_items(ordered, number, frame, gs, right), lines, gs, header)


def _line_items(ordered: list[TablePiece[float] | Line], number: int, frame: Frame, gs: GridSettings[float],
                right: float) -> list[TablePiece[float] | StreamRow | Paragraph]:
    """Lines as stream rows (cut by wide gaps) or paragraphs (wrapped lines joined)."""
    items: list[TablePiece[float] | StreamRow | Paragraph] = []
    previous: Line | None = None
    for item in _with_wrapped_rows(ordered, gs):
        if isinstance(item, TablePiece):
            items.append(item)
            previous = None
            continue
        if isinstance(item, WrappedRow):
            items.append(_wrapped_stream_row(item, number, frame, gs))
            previous = None
            continue
        parts = segments(item, gs)
        if len(parts) > 1:
            cells = [
                SourceCell(line_text(p, gs), 0, c, None, number, bbox(frame.displayed(bounds(p))))
                for c, p in enumerate(parts)
            ]
            items.append(StreamRow(cells, [(p[0].x0, p[-1].x1) for p in parts], item.box[1]))
            previous = None
            continue
        text = line_text(item.glyphs, gs)
        if previous is not None and isinstance(items[-1], Paragraph) and _continues(previous, item, right, gs):
            items[-1].text = join_text(items[-1].text, text, spaced=True)
        else:
            items.append(Paragraph(text, number))
        previous = item
    return items


def _with_wrapped_rows(ordered: list[TablePiece[float] | Line],
                       gs: GridSettings[float]) -> list[TablePiece[float] | Line | WrappedRow]:
    """The lines between tables with the rows of rule-less tables whose labels wrap rebuilt."""
    out: list[TablePiece[float] | Line | WrappedRow] = []
    run: list[Line] = []
    for item in [*ordered, None]:
        if isinstance(item, Line):
            run.append(item)
            continue
        out.extend(label_columns_apart(wrapped_rows(run, gs), gs))
        run = []
        if item is not None:
            out.append(item)
    return out


def _wrapped_stream_row(row: WrappedRow, number: int, frame: Frame, gs: GridSettings[float]) -> StreamRow:
    """A rebuilt row as a stream row: its labels (a group's, then its own) as one cell, as a
    row's label cells run together in a page's text, and its value cells. Label cells of their
    own would leave other rows a blank label column, which reads as the row above's last value."""
    label_glyphs = [g for label in row.labels for ln in label for g in ln.glyphs]
    label = [("".join(cell_text(lines, gs) for lines in row.labels), bounds(label_glyphs))] if label_glyphs else []
    values = [(line_text(v, gs), bounds(v)) for v in row.values]
    texts = [t for t, _ in label + values]
    boxes = [b for _, b in label + values]
    cells = [SourceCell(t, 0, c, None, number, bbox(frame.displayed(b))) for c, (t, b) in enumerate(zip(texts, boxes,
                                                                                                       strict=True))]
    return StreamRow(cells, [(b[0], b[2]) for b in boxes], min(b[1] for b in boxes))


def _stream_tables(items: Sequence[TablePiece[float] | StreamRow | Paragraph], lines: list[Line],
                   gs: GridSettings[float], header: HeaderColumns) -> tuple[list[PageItem], HeaderColumns]:
    """Consecutive stream rows as one table (`lines`: the page's, where their header is;
    `header`: the columns of the header over the rows the page starts with), and the header
    columns of the table the page ends in."""
    out: list[PageItem] = []
    rows: list[StreamRow] = []
    floor = -math.inf
    for item in [*items, None]:
        if isinstance(item, StreamRow):
            rows.append(item)
            continue
        if rows:
            label_right, first = _label_right(rows), 0
            if label_right is None:
                # A header's last line taken for a row (业 under 商业企, 构 under 科研机).
                first = next((i for i, row in enumerate(rows) if any(is_number(c.text) for c in row.cells)), 0)
                label_right = _label_right(rows[first:]) if first else None
            table = None
            if label_right is not None:
                # A table's rows parted by its labels' wrapped lines keep the header's columns.
                above = _header_lines(lines, rows[first].top, floor, gs)
                found = HeaderColumns(tuple(header_columns(above, label_right, gs)),
                                      tuple(centred_columns(above, gs, left=label_right)))
                header = found if found.starts or found.centres else header
                table = _labelled(rows, first, header, gs)
            else:
                table = _under_header(rows, lines, floor, gs)
            out.append(table or _aligned(rows))
            if any(is_number(c.text) for row in rows for c in row.cells):
                floor = rows[-1].top  # a header's lines taken for rows (no numbers) are no floor
            rows = []
        if isinstance(item, TablePiece) or (isinstance(item, Paragraph) and len(item.text) > _LABEL_LINE):
            header = HeaderColumns()
        if item is not None:
            out.append(item)
    return out, header


def _header_lines(lines: list[Line], top: float, floor: float, gs: GridSettings[float]) -> list[Line]:
    """The lines a table's header may be on: those ending above its rows' `top`, within reach,
    and below the last row of values of the rule-less table before (`floor`). Past that row they are
    another table's, or this one's above rows its labels' wrapped lines parted it from, and
    seen only in part (seed 5903's browser PDF 2: the lower lines of section 三's header set
    the zeros-blank rows under 予以公开 in four columns, not seven)."""
    return [ln for ln in lines if max(top - _HEADER_REACH * gs.text_height, floor) < ln.box[1] and ln.box[3] <= top]


def _label_right(rows: list[StreamRow]) -> float | None:
    """Where the rows' labels end, when each row is a label and numbers (or numbers only)."""
    labels = [[c for c in row.cells if not is_number(c.text)] for row in rows]
    if any(len(found) > 1 or (found and row.cells[0] is not found[0]) for row, found in zip(rows, labels, strict=True)):
        return None
    return max((row.extents[0][1] for row, found in zip(rows, labels, strict=True) if found), default=None)


def _labelled(rows: list[StreamRow], first: int, header: HeaderColumns, gs: GridSettings[float]) -> Table | None:
    """Rows of a label and values (after `first` rows of a header's last lines), each value in
    its column (ingest/tables/text_columns.py): under the header's centred words when every
    value is centred under one (seed 1919's browser PDF 6: rows of one 0 under 总计 were set
    in the second column), else in the columns the values start at and the header's. None
    when neither places them."""
    extents = [[x for c, x in zip(row.cells, row.extents, strict=True) if is_number(c.text)] for row in rows[first:]]
    columns: Sequence[float] = header.centres
    placed = placed_under([[(a + b) / 2 for a, b in row] for row in extents], columns, gs) if columns else None
    if placed is None:
        found_columns = value_columns(extents, header.starts, gs)
        if found_columns is None:
            return None
        columns, placed = found_columns
    out = _aligned(rows[:first]).rows if first else []
    for r, (row, at) in enumerate(zip(rows[first:], placed, strict=True), start=first):
        page = row.cells[0].page
        cells = [SourceCell("", r, c, None, page) for c in range(1 + len(columns))]
        numbers = [c for c in row.cells if is_number(c.text)]
        if len(numbers) < len(row.cells):
            cells[0] = replace(row.cells[0], row=r, col=0)
        for column, cell in zip(at, numbers, strict=True):
            cells[1 + column] = replace(cell, row=r, col=1 + column)
        out.append(cells)
    return Table(out)


def _under_header(rows: list[StreamRow], lines: list[Line], floor: float, gs: GridSettings[float]) -> Table | None:
    """Rows of values only, after rows of header words, set in the columns of the header's
    centred words, else in the columns the values start at and the header's stacked words
    (ingest/tables/text_columns.py): a row printed with its zeros blank keeps its values'
    places (seed 5417's browser PDF 7: section 四's one row, its twelfth value blank, had its
    fourteen values read as the first fourteen). None when the rows are not so, or a value
    stands off those columns."""
    first = next((i for i, row in enumerate(rows) if all(is_number(c.text) for c in row.cells)), len(rows))
    if first == len(rows) or any(is_number(c.text) for row in rows[:first] for c in row.cells) \
            or not all(is_number(c.text) for row in rows[first:] for c in row.cells):
        return None
    header = _header_lines(lines, rows[first].top, floor, gs)
    columns: Sequence[float] = centred_columns(header, gs)
    placed = placed_under([row.centers for row in rows[first:]], columns, gs) if columns else None
    if placed is None and (columns := started_columns(header, gs)):
        placed = placed_under([[x0 for x0, _ in row.extents] for row in rows[first:]], columns, gs)
    if placed is None:
        left = min(row.extents[0][0] for row in rows[first:])
        found_columns = value_columns([row.extents for row in rows[first:]], header_columns(header, left, gs), gs,
                                      even=True)
        if found_columns is None:
            return None
        columns, placed = found_columns
    out = _aligned(rows[:first]).rows if first else []
    for r, (row, at) in enumerate(zip(rows[first:], placed, strict=True), start=first):
        cells = [SourceCell("", r, c, None, row.cells[0].page) for c in range(len(columns))]
        for column, cell in zip(at, row.cells, strict=True):
            cells[column] = replace(cell, row=r, col=column)
        out.append(cells)
    return Table(out)


def _aligned(rows: list[StreamRow]) -> Table:
    """Rows with fewer cells than the widest get blank cells where their columns have none:
    each cell goes to the column of the widest row whose centre is nearest."""
    widest = max(rows, key=lambda r: len(r.cells)).centers
    out: list[list[SourceCell]] = []
    for r, row in enumerate(rows):
        columns = [nearest(widest, x) for x in row.centers]
        cells = [replace(c, row=r) for c in row.cells]
        if len(set(columns)) == len(columns) and columns == sorted(columns):
            by_column = dict(zip(columns, cells, strict=True))
            cells = [by_column.get(c) or SourceCell("", r, c, None, row.cells[0].page) for c in range(len(widest))]
            cells = [replace(c, col=i) for i, c in enumerate(cells)]
        out.append(cells)
    return Table(out)


def _ruled_table(boxes: list[Box[float]], glyphs: list[Glyph], number: int, gs: GridSettings[float], frame: Frame,
                 added_rules: list[float]) -> TablePiece[float] | None:
    """A lattice table's piece on this page, None when no cell has text."""
    texts = []
    for box in boxes:
        within = [g for g in glyphs if inside(g, box)]
        texts.append(cell_text(lines_of(within, gs), gs))
    if not any(texts):
        return None
    top = min(b[1] for b in boxes)
    return ruled_piece(boxes, texts, number, gs, frame, open_top=any(abs(y - top) <= gs.snap for y in added_rules))


def ruled_piece(boxes: list[Box[float]], texts: list[str], number: int, gs: GridSettings[float], frame: Frame,
                open_top: bool) -> TablePiece[float]:
    """Cell boxes (upright) and their texts as a table piece: cells on the piece's own rules,
    each with its box as displayed."""
    columns, rows = column_stops(boxes, gs.snap), row_stops(boxes, gs.snap)
    cells = place_cells(boxes, columns, rows)
    slots = [Slot(text, (c.row, c.col), number, bbox(frame.displayed(c.box))) for c, text in zip(cells, texts,
                                                                                                  strict=True)]
    return TablePiece(number, list(zip(cells, slots, strict=True)), len(rows) - 1, len(columns) - 1, gs.snap,
                      gs.stitch, open_top)


def _side_column(lines: list[Line], width: float, gs: GridSettings[float]) -> list[Line]:
    """The lines that stand wholly left of the text's left edge (where most lines wider than
    half the page begin): a printed web page's side menu (依申请公开 between two lines of the
    opening made its quoted title 《江依申请公开西省…》)."""
    starts = Counter(round(ln.box[0]) for ln in lines if ln.box[2] - ln.box[0] > width / 2)
    if not starts:
        return []
    left = starts.most_common(1)[0][0]
    return [ln for ln in lines if ln.box[2] < left - gs.text_height]


def _is_page_furniture(line: Line, lines: list[Line], gs: GridSettings[float], height: float) -> bool:
    """A page number in the top or bottom margin: one run of text, no other line beside it.
    Values of a table's row near a printed web page's foot stand apart (seed 9393: a row's "1"
    and "1" read "11", a page number, and were lost without a flag); a row's lone value at a
    page's head stands between its label's two lines (seed 5602: its "0" was lost)."""
    _, top, _, bottom = line.box
    in_margin = bottom < 0.1 * height or top > 0.88 * height
    beside = any(other is not line and other.box[1] < bottom + gs.text_height / 4
                 and other.box[3] > top - gs.text_height / 4 for other in lines)
    return (in_margin and not beside and len(segments(line, gs)) == 1
            and bool(_PAGE_NUMBER.match(line_text(line.glyphs, gs).replace(" ", ""))))


def _continues(previous: Line, line: Line, right: float, gs: GridSettings[float]) -> bool:
    """The line is the wrapped rest of the previous one (which ran to the right margin)."""
    text = "".join(g.text for g in line.glyphs)
    return (
        previous.box[2] >= right - 2 * gs.text_height
        and line.box[1] - previous.box[3] <= 1.5 * gs.text_height
        and not ITEM_START.match(text)
    )


# --- the reader ---------------------------------------------------------------------------


class PdfReader:
    """PDFs with a usable text layer on some page (detect's pdf_text): text pages read here, the
    scanned ones by OCR."""

    def read(self, data: bytes, detected: Detected, settings: Settings) -> Document:
        # Opened here only when detect could not: to say why (damaged, locked, too long).
        pdf = detected.pdf or open_pdf_pages(data, settings)
        plumber = pdf.text_layer()
        pages: list[tuple[int, list[PageItem]]] = []
        header = HeaderColumns()
        for index in range(pdf.count):
            if pdf.kind(index) == "text":
                items, header = _read_page(plumber.pages[index], index + 1, header)
                pages.append((index + 1, items))
                plumber.pages[index].close()
        return _with_scanned_pages(pdf, pages, settings)


def _with_scanned_pages(pdf: PdfPages, pages: list[tuple[int, list[PageItem]]], settings: Settings) -> Document:
    """The text pages' document, the scanned pages read by OCR and put back in page order."""
    scanned = [i + 1 for i in range(pdf.count) if pdf.kind(i) == "scanned"]
    if not pages and not scanned:
        raise InputError(ErrorCode.NOT_A_REPORT, f"all {pdf.count} pages of the PDF are blank")
    document = Document(format="pdf_text", blocks=stitch(pages), pages=pdf.count)
    if scanned:
        ocr = read_scanned_pdf(pdf.file.document, settings, scanned)
        document.blocks = sorted(document.blocks + ocr.blocks, key=_first_page)
        document.page_images = ocr.page_images
    return document


def _first_page(block: Block) -> int:
    """The page a block starts on (stable sort keeps reading order within a page)."""
    if isinstance(block, Paragraph):
        return block.page or 0
    return next((c.page or 0 for row in block.rows for c in row), 0)
