"""Text PDFs (exported from Word or WPS): ruled tables, rule-less rows and paragraphs.

Pages are first sorted with pdfium (fast, tolerant): text pages, scanned pages (images
or outlines, or a text layer that is garbage) and blank ones. Text pages are read with
pdfplumber: ruled tables through pdf_grid's lattice transforms (merged cells from the
rule geometry), rows of rule-less tables from the gaps between words, and the other
lines as paragraphs. A table cut by a page break is stitched back into one.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import pdfplumber
import pypdfium2

from ingest.detect import Detected
from ingest.errors import DamagedDocument, FileTooLarge, NotAReport
from ingest.models import BBox, Block, Document, Paragraph, SourceCell, Table
from ingest.readers.pdf_grid import (
    Box,
    Frame,
    Glyph,
    GridSettings,
    Line,
    bounds,
    cell_text,
    column_stops,
    grid_settings,
    inside,
    is_number,
    join_text,
    lattice_tables,
    line_text,
    lines_of,
    missing_frame_rules,
    nearest,
    place_cells,
    row_stops,
    ruling_edges,
    segments,
    stops,
    text_turn,
    turned_edge,
)
from ingest.readers.scan import read_scanned_pdf
from ingest.settings import Settings
from ingest.tools.pdfium import load_page, open_pdf

PageKind = Literal["text", "scanned", "blank"]

_PAGE_NUMBER = re.compile(r"^[-—–－]?\s*\d{1,3}\s*[-—–－]?$|^第\s*\d{1,3}\s*页.*$|^\d{1,3}\s*/\s*\d{1,3}$")
# A line opening a new item: never the wrapped end of the line above.
_ITEM_START = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[.．、])")
# Page objects of outlined text: a page drawn with this many paths but no text needs OCR.
_OUTLINED_TEXT_PATHS = 200


# --- pages: which can be read ------------------------------------------------------------


def _page_kinds(data: bytes, settings: Settings) -> list[PageKind]:
    """Each page's kind, from pdfium; raises for damaged, locked or oversized PDFs."""
    pdf = open_pdf(data)
    try:
        count = len(pdf)
        if count > settings.pdf_max_pages:
            raise FileTooLarge(f"the PDF has {count} pages; the limit is {settings.pdf_max_pages}")
        return [_page_kind(load_page(pdf, i)) for i in range(count)]
    finally:
        pdf.close()


def _page_kind(page: pypdfium2.PdfPage) -> PageKind:
    try:
        if page.get_textpage().count_chars() > 0:
            return "text"
        objects = [o.type for o in page.get_objects(max_depth=2)]
    finally:
        page.close()
    if pypdfium2.raw.FPDF_PAGEOBJ_IMAGE in objects or len(objects) >= _OUTLINED_TEXT_PATHS:
        return "scanned"
    return "blank"


def _garbage_share(chars: Sequence[dict[str, Any]]) -> float:
    """Share of the text layer that is no real text: (cid:NN), private-use or replacement glyphs."""
    printed = [c["text"] for c in chars if c["text"].strip()]
    if not printed:
        return 1.0
    bad = sum(
        1 for t in printed
        if t.startswith("(cid:") or "\ufffd" in t or any(unicodedata.category(ch) == "Co" for ch in t)
    )
    return bad / len(printed)


# --- one page: tables, rows and lines ----------------------------------------------------


@dataclass
class RuledTable:
    """A lattice table on one page: its cell boxes and their text."""

    page: int
    boxes: list[Box]
    texts: list[str]
    gs: GridSettings
    frame: Frame
    # Its top rule was missing (added): the first row may continue one cut by the page break.
    open_top: bool

    @property
    def box(self) -> Box:
        return (
            min(b[0] for b in self.boxes), min(b[1] for b in self.boxes),
            max(b[2] for b in self.boxes), max(b[3] for b in self.boxes),
        )


@dataclass
class StreamRow:
    """The cells of one line of a table drawn without rules, parted by wide gaps."""

    cells: list[SourceCell]
    # Each cell's horizontal centre, upright: where a cell printed blank is missing.
    centers: list[float]


PageItem = RuledTable | Table | Paragraph


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


def _read_page(page: Any, number: int) -> list[PageItem]:
    """The page's tables, rule-less rows and paragraphs, top to bottom."""
    frame = _frame(page)
    glyphs = _glyphs(page, frame)
    gs = grid_settings(g.size for g in glyphs)
    edges = ruling_edges((turned_edge(e, frame) for e in page.edges), gs)
    added = missing_frame_rules(edges, gs)
    placed: list[tuple[float, RuledTable | Line]] = []
    free = glyphs
    for boxes in lattice_tables(edges + added, gs):
        table = _ruled_table(boxes, glyphs, number, gs, frame, [e["top"] for e in added])
        if table is not None:
            placed.append((table.box[1], table))
            free = [g for g in free if not inside(g, table.box)]
    lines = [ln for ln in lines_of(free, gs) if not _is_page_furniture(ln, gs, frame.upright_height)]
    placed.extend((ln.box[1], ln) for ln in lines)
    ordered = [item for _, item in sorted(placed, key=lambda item: item[0])]
    right = max((ln.box[2] for ln in lines), default=0.0)
    return _stream_tables(_line_items(ordered, number, frame, gs, right))


def _line_items(ordered: list[RuledTable | Line], number: int, frame: Frame, gs: GridSettings,
                right: float) -> list[RuledTable | StreamRow | Paragraph]:
    """Lines as stream rows (cut by wide gaps) or paragraphs (wrapped lines joined)."""
    items: list[RuledTable | StreamRow | Paragraph] = []
    previous: Line | None = None
    for item in ordered:
        if isinstance(item, RuledTable):
            items.append(item)
            previous = None
            continue
        parts = segments(item, gs)
        if len(parts) > 1:
            cells = [
                SourceCell(line_text(p, gs), 0, c, None, number, _bbox(frame.displayed(bounds(p))))
                for c, p in enumerate(parts)
            ]
            items.append(StreamRow(cells, [(p[0].x0 + p[-1].x1) / 2 for p in parts]))
            previous = None
            continue
        text = line_text(item.glyphs, gs)
        if previous is not None and isinstance(items[-1], Paragraph) and _continues(previous, item, right, gs):
            items[-1].text = join_text(items[-1].text, text, spaced=True)
        else:
            items.append(Paragraph(text, number))
        previous = item
    return items


def _stream_tables(items: Sequence[RuledTable | StreamRow | Paragraph]) -> list[PageItem]:
    """Consecutive stream rows as one table."""
    out: list[PageItem] = []
    rows: list[StreamRow] = []
    for item in [*items, None]:
        if isinstance(item, StreamRow):
            rows.append(item)
            continue
        if rows:
            out.append(_aligned(rows))
            rows = []
        if item is not None:
            out.append(item)
    return out


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


def _ruled_table(boxes: list[Box], glyphs: list[Glyph], number: int, gs: GridSettings, frame: Frame,
                 added_rules: list[float]) -> RuledTable | None:
    texts = []
    for box in boxes:
        within = [g for g in glyphs if inside(g, box)]
        texts.append(cell_text(lines_of(within, gs), gs))
    if not any(texts):
        return None
    top = min(b[1] for b in boxes)
    return RuledTable(number, boxes, texts, gs, frame, open_top=any(abs(y - top) <= gs.snap for y in added_rules))


def _is_page_furniture(line: Line, gs: GridSettings, height: float) -> bool:
    """A page number in the top or bottom margin."""
    _, top, _, bottom = line.box
    in_margin = bottom < 0.1 * height or top > 0.88 * height
    return in_margin and bool(_PAGE_NUMBER.match(line_text(line.glyphs, gs).replace(" ", "")))


def _continues(previous: Line, line: Line, right: float, gs: GridSettings) -> bool:
    """The line is the wrapped rest of the previous one (which ran to the right margin)."""
    text = "".join(g.text for g in line.glyphs)
    return (
        previous.box[2] >= right - 2 * gs.char_size
        and line.box[1] - previous.box[3] <= 1.5 * gs.char_size
        and not _ITEM_START.match(text)
    )


def _bbox(box: Box) -> BBox:
    return BBox(box[0], box[1], box[2], box[3])


# --- tables across page breaks ----------------------------------------------------------


@dataclass
class Slot:
    """One cell of a table being assembled, shared by every grid position it covers."""

    text: str
    origin: tuple[int, int]
    page: int
    box: Box | None


Grid = list[list[Slot]]


def _same_columns(a: RuledTable, b: RuledTable) -> bool:
    """b continues a's table: same outer sides, and mostly the same column rules."""
    tol = max(a.gs.stitch, b.gs.stitch)
    ca, cb = column_stops(a.boxes, a.gs), column_stops(b.boxes, b.gs)
    if abs(ca[0] - cb[0]) > tol or abs(ca[-1] - cb[-1]) > tol:
        return False
    shared = sum(1 for x in cb if any(abs(x - y) <= tol for y in ca))
    return shared >= 0.6 * max(len(ca), len(cb))


def _matrix(table: RuledTable, columns: list[float]) -> Grid:
    """The table's grid positions (origins local to the table)."""
    rows = row_stops(table.boxes, table.gs)
    n_rows, n_cols = len(rows) - 1, len(columns) - 1
    grid = [[Slot("", (r, c), table.page, None) for c in range(n_cols)] for r in range(n_rows)]
    for cell, text in zip(place_cells(table.boxes, columns, rows), table.texts, strict=True):
        slot = Slot(text, (cell.row, cell.col), table.page, table.frame.displayed(cell.box))
        for r in range(cell.row, min(n_rows, cell.row + cell.row_span)):
            for c in range(cell.col, min(n_cols, cell.col + cell.col_span)):
                grid[r][c] = slot
    return grid


def _unique(row: list[Slot]) -> list[Slot]:
    return list({id(s): s for s in row}.values())


def _texts(row: list[Slot]) -> tuple[str, ...]:
    return tuple(s.text for s in row)


def _repeated_header(first: Grid, cont: Grid) -> int:
    """How many leading rows of the continuation repeat the table's header."""
    n = 0
    while n < min(3, len(first), len(cont) - 1) and _texts(first[n]) == _texts(cont[n]):
        if not any(s.text and not is_number(s.text) for s in cont[n]):
            break
        n += 1
    return n


def _is_split_row(last: list[Slot], cont: list[Slot], open_top: bool) -> bool:
    """The continuation's first row is the rest of the row the page break cut: it has
    text, starts no new item, and numbers are on one side of the break only."""
    texts = [s.text for s in cont if s.text]
    if not texts or _ITEM_START.match(texts[0]) or not (open_top or not cont[0].text):
        return False
    return not (any(is_number(s.text) for s in last) and any(is_number(s.text) for s in cont))


def _join_rows(last: list[Slot], cont: list[Slot]) -> None:
    """Append the continuation's texts to the cells of the cut row, column by column."""
    done: set[int] = set()
    for before, after in zip(last, cont, strict=True):
        if after.text and id(before) not in done and id(after) not in done:
            done.update((id(before), id(after)))
            before.text = join_text(before.text, after.text, spaced=True)


def _shift(grid: Grid, dropped: int, base: int) -> None:
    """Make the origins of a continuation's cells global (its first `dropped` rows gone)."""
    for slot in _unique([s for row in grid for s in row]):
        slot.origin = (max(slot.origin[0] - dropped, 0) + base, slot.origin[1])


def _height(grid: Grid, slot: Slot) -> int:
    return sum(1 for row in grid if any(s is slot for s in row))


def _continue_merges(last: list[Slot], last_index: int, grid: Grid) -> None:
    """A label cell merged over several rows and cut by the break continues above it:
    the part below is empty or holds the rest of the text (no new item number)."""
    for above, below in zip(last, grid[0], strict=True):
        if above is below or not above.text or is_number(above.text) or is_number(below.text):
            continue
        merged = above.origin[0] < last_index or _height(grid, below) > 1
        if not merged or _ITEM_START.match(below.text):
            continue
        above.text = join_text(above.text, below.text, spaced=True)
        for row in grid:
            for c, slot in enumerate(row):
                if slot is below:
                    row[c] = above


def _assemble(group: list[RuledTable]) -> Table:
    """One table from its pieces on consecutive pages."""
    tol = max(t.gs.stitch for t in group)
    columns = stops((x for t in group for x in column_stops(t.boxes, t.gs)), tol)
    rows: Grid = []
    for table in group:
        grid = _matrix(table, columns)
        dropped = 0
        if rows:
            dropped = _repeated_header(rows, grid)
            if dropped < len(grid) and _is_split_row(rows[-1], grid[dropped], table.open_top):
                _join_rows(rows[-1], grid[dropped])
                dropped += 1
        grid = grid[dropped:]
        _shift(grid, dropped, len(rows))
        if rows and grid:
            _continue_merges(rows[-1], len(rows) - 1, grid)
        rows.extend(grid)
    return Table([
        [SourceCell(s.text, r, c, s.origin, s.page, _bbox(s.box) if s.box else None) for c, s in enumerate(row)]
        for r, row in enumerate(rows)
    ])


def _blocks(pages: list[tuple[int, list[PageItem]]]) -> list[Block]:
    """Blocks in reading order, a ruled table that ends one page and starts the next as one."""
    entries: list[Block | list[RuledTable]] = []
    tail: list[RuledTable] | None = None
    for number, items in pages:
        for i, item in enumerate(items):
            if not isinstance(item, RuledTable):
                entries.append(item)
            elif i == 0 and tail and tail[-1].page == number - 1 and _same_columns(tail[-1], item):
                tail.append(item)
            else:
                entries.append([item])
        last = entries[-1] if entries else None
        tail = last if isinstance(last, list) and last[-1].page == number else None
    return [_assemble(e) if isinstance(e, list) else e for e in entries]


# --- the reader ---------------------------------------------------------------------------


def _parsed_chars(pdf: Any, index: int) -> list[dict[str, Any]]:
    """The page's characters, its content parsed; DamagedDocument when pdfminer cannot."""
    try:
        page = pdf.pages[index]
        page.objects  # noqa: B018 - parse here, where a damaged stream is caught
    except Exception as exc:  # pdfminer raises many kinds of error on a damaged file
        raise DamagedDocument(f"page {index + 1} of the PDF cannot be read: {type(exc).__name__}: {exc}") from None
    chars: list[dict[str, Any]] = page.chars
    return chars


class PdfReader:
    """PDFs with a text layer; all-scanned PDFs are refused until the OCR path exists."""

    def read(self, data: bytes, detected: Detected, settings: Settings) -> Document:
        kinds = _page_kinds(data, settings)
        pages: list[tuple[int, list[PageItem]]] = []
        try:
            pdf = pdfplumber.open(io.BytesIO(data), password="")
        except Exception as exc:  # pdfminer raises many kinds of error on a damaged file
            raise DamagedDocument(f"the PDF cannot be read: {type(exc).__name__}: {exc}") from None
        with pdf:
            for index, kind in enumerate(kinds):
                if kind != "text":
                    continue
                if _garbage_share(_parsed_chars(pdf, index)) > settings.pdf_garbage_share:
                    kinds[index] = "scanned"
                else:
                    pages.append((index + 1, _read_page(pdf.pages[index], index + 1)))
                pdf.pages[index].close()
        scanned = [i + 1 for i, k in enumerate(kinds) if k == "scanned"]
        if not pages:
            if scanned:
                return read_scanned_pdf(data, settings)
            raise NotAReport(f"all {len(kinds)} pages of the PDF are blank")
        document = Document(format="pdf_text", blocks=_blocks(pages), pages=len(kinds))
        if scanned:
            # A mixed PDF: its scanned pages are read by OCR and put back in page order.
            ocr = read_scanned_pdf(data, settings, scanned)
            document.blocks = sorted(document.blocks + ocr.blocks, key=_first_page)
            document.page_images = ocr.page_images
        return document


def _first_page(block: Block) -> int:
    """The page a block starts on (stable sort keeps reading order within a page)."""
    if isinstance(block, Paragraph):
        return block.page or 0
    return next((c.page or 0 for row in block.rows for c in row), 0)
