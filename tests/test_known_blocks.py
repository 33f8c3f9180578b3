"""Section 二's printed form told rather than read, only where a table holds exactly a
template's form and the cells read to check it read as the form's (else read as before)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont

import ingest.scan.table_cells as table_cells_module
from ingest.models import Table
from ingest.readers.scan import read_image_file
from ingest.scan.known_blocks import blocks_told, printed_forms
from ingest.scan.known_labels import printed_width
from ingest.scan.ocr.base import CellText
from ingest.scan.ocr.consensus import read_cells
from ingest.settings import load_settings
from ingest.tables.model import GridCell

FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
# Section 二 of the 2021 template as printed: (caption, header words, row labels) per block.
FORM_2021 = [
    ("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "行政规范性文件"]),
    ("第二十条第（五）项", ["本年处理决定数量"], ["行政许可"]),
    ("第二十条第（六）项", ["本年处理决定数量"], ["行政处罚", "行政强制"]),
    ("第二十条第（八）项", ["本年收费金额（单位：万元）"], ["行政事业性收费"]),
]


def _rows(form: list[tuple[str, list[str], list[str]]]) -> list[list[tuple[int, str]]]:
    """The table's rows as (columns spanned, text) cells over four columns; values "0"."""
    rows: list[list[tuple[int, str]]] = []
    for caption, words, labels in form:
        spans = [1] * (len(words) - 1) + [4 - len(words)]
        rows.append([(4, caption)])
        rows.append([(1, "信息内容"), *zip(spans, words, strict=True)])
        rows += [[(1, label), *((span, "0") for span in spans)] for label in labels]
    return rows


def _grid(form: list[tuple[str, list[str], list[str]]]
          ) -> tuple[list[GridCell[int]], dict[tuple[int, int], int], list[float], list[str]]:
    """Every cell, the inked ones' indexes by place, their widths (their texts' printed widths)
    and their texts."""
    cells = []
    for r, row in enumerate(_rows(form)):
        col = 0
        for span, _ in row:
            cells.append(GridCell(r, col, 1, span, (col * 10, r * 10, (col + span) * 10, r * 10 + 10)))
            col += span
    texts = [text for row in _rows(form) for _, text in row]
    inked = {(c.row, c.col): i for i, c in enumerate(cells)}
    return cells, inked, [printed_width(t) for t in texts], texts


def _told(form: list[tuple[str, list[str], list[str]]], printed: dict[str, str] | None = None
          ) -> tuple[dict[int, CellText], list[str], list[str]]:
    """What the form tells of a table printing `form` (each text read as `printed` says, else as
    itself), the texts read, and the table's texts."""
    table, inked, widths, texts = _grid(form)
    asked: list[str] = []

    def read(indexes: list[int]) -> list[CellText]:
        asked.extend(texts[i] for i in indexes)
        return [CellText((printed or {}).get(texts[i], texts[i]), 0.99) for i in indexes]

    told, checked = blocks_told(table, inked, widths, read, load_settings())
    assert sorted(checked) == sorted(i for i, t in enumerate(texts) if t in asked)
    return told, asked, texts


def test_the_templates_printed_forms_are_their_blocks_row_by_row() -> None:
    forms = printed_forms(load_settings().layouts_dir)
    # 2021: four blocks, six rows; 2019: five blocks, eight rows.
    assert sorted(len(form) for form in forms) == [14, 18]
    form_2021 = next(form for form in forms if len(form) == 14)
    assert [row.kind for row in form_2021[:4]] == ["caption", "header", "row", "row"]
    assert [cell.text.text for cell in form_2021[1].cells] == ["信息内容", *FORM_2021[0][1]]


def test_a_table_printing_the_form_is_told_but_for_the_cells_read_to_check_it() -> None:
    told, asked, texts = _told(FORM_2021)
    # Read: the columns of a header over three (their order is the report's), the unit's header,
    # a label the template knows printed otherwise, and 行政处罚 (as wide as 行政强制 below it).
    assert asked == [*FORM_2021[0][1], "行政规范性文件", "行政处罚", *FORM_2021[3][1]]
    # Told: every caption, 信息内容, the lone columns' labels and the other row labels.
    assert sorted(texts[i] for i in told) == sorted(
        [caption for caption, _, _ in FORM_2021] + ["信息内容"] * 4 + ["本年处理决定数量"] * 2
        + ["规章", "行政许可", "行政强制", "行政事业性收费"])
    assert all(told[i].text == texts[i] for i in told)


def test_rows_or_columns_in_another_order_leave_the_table_read() -> None:
    # 行政强制 printed before 行政处罚: as wide, told apart only by the reading.
    swapped = [*FORM_2021[:2], ("第二十条第（六）项", ["本年处理决定数量"], ["行政强制", "行政处罚"]), FORM_2021[3]]
    told, asked, _ = _told(swapped)
    assert told == {} and "行政强制" in asked
    # Two columns swapped in the header over three.
    columns = [("第二十条第（一）项", ["本年废止件数", "本年制发件数", "现行有效件数"], ["规章", "行政规范性文件"]),
               *FORM_2021[1:]]
    assert _told(columns)[0] == {}
    # A checked cell misread past the mapper's tolerance: nothing told either.
    assert _told(FORM_2021, {"行政处罚": "行政强制"})[0] == {}


def test_a_table_unlike_every_form_is_not_read_to_find_that_out() -> None:
    # No 规章 row (a bureau's report), a block's caption missing, a cell wider than its text.
    no_regulations = [("第二十条第（一）项", FORM_2021[0][1], ["行政规范性文件"]), *FORM_2021[1:]]
    told, asked, _ = _told(no_regulations)
    assert told == {} and asked == []
    table, inked, widths, _ = _grid(FORM_2021)
    assert blocks_told(table[1:], inked, widths, lambda _: [], load_settings()) == ({}, {})
    widths[0] = printed_width("第二十条第（一）项、第（五）项")
    assert blocks_told(table, inked, widths, lambda _: [], load_settings()) == ({}, {})


def _form_png(form: list[tuple[str, list[str], list[str]]]) -> bytes:
    """A 150-dpi page holding the form's table, its values 0-9 in turn."""
    image = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 22)
    xs, top, line = [100, 400, 620, 840, 1060], 200, 56
    rows = _rows(form)
    for r, row in enumerate(rows):
        y = top + r * line
        draw.line([(xs[0], y), (xs[-1], y)], fill="black", width=2)
        col = 0
        for n, (span, text) in enumerate(row):
            x0, x1 = xs[col], xs[col + span]
            draw.line([(x0, y), (x0, y + line)], fill="black", width=2)
            shown = str((r + n) % 10) if text == "0" else text
            draw.text(((x0 + x1 - font.getlength(shown)) / 2, y + 16), shown, font=font, fill="black")
            col += span
        draw.line([(xs[-1], y), (xs[-1], y + line)], fill="black", width=2)
    draw.line([(xs[0], top + len(rows) * line), (xs[-1], top + len(rows) * line)], fill="black", width=2)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_a_scanned_section_two_is_told_by_its_form(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def reading(*args: Any) -> list[CellText]:
        found = read_cells(*args)
        seen.extend(r.text for r in found)
        return found

    monkeypatch.setattr(table_cells_module, "read_cells", reading)
    document = read_image_file(_form_png(FORM_2021), load_settings())
    table = next(b for b in document.blocks if isinstance(b, Table))
    assert [row[0].text for row in table.rows] == [text for row in _rows(FORM_2021) for _, text in row[:1]]
    read = "|".join(seen)
    assert "第二十条" not in read and "信息内容" not in read and "行政强制" not in read
