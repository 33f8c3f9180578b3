"""Row labels printed beside a ruled table whose label column lost its rules (a coarse fax's
hair-thin rules): read as the table's first column, not as prose after it (ingest/scan/side_labels.py)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from ingest.output import report_to_dict
from ingest.pipeline import convert_bytes
from ingest.scan.ocr.base import CellText
from ingest.scan.side_labels import beside_rows, ends_in_digits
from ingest.settings import Settings
from ingest.tables.model import GridCell, Slot
from ingest.tables.stitch import TablePiece

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
HEADER = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
ROWS = [("一、本年新收政府信息公开申请数量", [3, 1, 0, 0, 0, 1, 5]),
        ("二、上年结转政府信息公开申请数量", [1, 0, 0, 0, 0, 0, 1]),
        ("（一）予以公开", [2, 1, 0, 0, 0, 0, 3]),
        ("（二）部分公开", [1, 0, 0, 0, 0, 1, 2]),
        ("1.属于国家秘密", [0, 0, 0, 0, 0, 0, 0])]


def _page(label_rules: bool) -> bytes:
    """Section 三's first rows: the value columns ruled, the labels beside them ruled or not."""
    small, font = ImageFont.truetype(FONT, 20), ImageFont.truetype(FONT, 26)
    page = Image.new("RGB", (1654, 2339), "white")
    draw = ImageDraw.Draw(page)
    draw.text((200, 200), "三、收到和处理政府信息公开申请情况", font=font, fill="black")
    label_left, left, width, top, height = 120, 620, 130, 280, 64
    cols = [left + k * width for k in range(len(HEADER) + 1)]
    rows = [top + k * height for k in range(len(ROWS) + 2)]
    for y in rows:
        draw.line([(label_left if label_rules else cols[0], y), (cols[-1], y)], fill="black", width=3)
    for x in ([label_left] if label_rules else []) + cols:
        draw.line([(x, rows[0]), (x, rows[-1])], fill="black", width=3)
    for x, word in zip(cols, HEADER, strict=False):
        draw.text((x + 8, rows[0] + 20), word, font=small, fill="black")
    for y, (label, values) in zip(rows[1:], ROWS, strict=False):
        draw.text((label_left + 10, y + 18), label, font=small, fill="black")
        for x, value in zip(cols, values, strict=False):
            draw.text((x + 55, y + 14), str(value), font=font, fill="black")
    buffer = io.BytesIO()
    page.save(buffer, "PNG", dpi=(200, 200))
    return buffer.getvalue()


def _section_three(label_rules: bool, settings: Settings) -> list[list[object]]:
    cells = report_to_dict(convert_bytes(_page(label_rules), "rows.png", settings))["cells"]
    keys = ["new", "carried_over", "granted", "partly_granted", "denied.state_secret"]
    columns = ["natural_person", "enterprise", "research", "public_interest", "legal_service", "other_org", "total"]
    return [[cells[f"s3.{row}.{col}"]["value"] for col in columns] for row in keys]


def test_labels_beside_a_grid_of_values_name_its_rows(settings: Settings) -> None:
    assert _section_three(False, settings) == [values for _, values in ROWS]


def test_labels_in_their_own_ruled_column_read_the_same(settings: Settings) -> None:
    assert _section_three(True, settings) == [values for _, values in ROWS]


def _piece(texts: list[list[str]]) -> TablePiece[int]:
    cells = [(GridCell(r, c, 1, 1, (500 + 100 * c, 100 + 50 * r, 600 + 100 * c, 150 + 50 * r)),
              Slot(text, (r, c), 1)) for r, row in enumerate(texts) for c, text in enumerate(row)]
    return TablePiece(1, cells, len(texts), len(texts[0]), 5.0)


def test_a_grid_with_labels_of_its_own_takes_no_lines_beside_it() -> None:
    lines = [(100, 110 + 50 * r, 400, 140 + 50 * r) for r in range(4)]
    assert beside_rows(_piece([["1", "2"], ["0", "3"], ["4", "5"], ["6", "7"]]), lines, set())
    assert not beside_rows(_piece([["规章", "2"], ["0", "3"], ["4", "5"], ["6", "7"]]), lines, set())
    assert not beside_rows(_piece([["1", "2"], ["0", "3"], ["4", "5"], ["6", "7"]]), lines, {0, 1, 2})


def test_a_header_over_two_rows_read_as_a_number_leaves_the_labels_beside() -> None:
    """总计 over section 三's two header rows read 44 (seed 1919's fax TIFF 2): a header, not a
    value beside words, so the labels beside the value rows are still taken."""

    def cell(r: int, c: int, rows: int, text: str) -> tuple[GridCell[int], Slot]:
        box = (500 + 100 * c, 100 + 50 * r, 600 + 100 * c, 100 + 50 * (r + rows))
        return GridCell(r, c, rows, 1, box), Slot(text, (r, c), 1)

    header = [cell(0, 0, 2, "自然人"), cell(0, 1, 1, "法人或其他组织"), cell(1, 1, 1, "商业企业"), cell(0, 2, 2, "44")]
    values = [cell(r, c, 1, str(r + c)) for r in range(2, 6) for c in range(3)]
    lines = [(100, 110 + 50 * r, 400, 140 + 50 * r) for r in range(2, 6)]
    assert sorted(beside_rows(TablePiece(1, header + values, 6, 3, 5.0), lines, set())) == [2, 3, 4, 5]
    # A value of its own beside the header's words is a label column found: nothing is taken.
    header[3] = cell(1, 2, 1, "44")
    assert not beside_rows(TablePiece(1, [*header, cell(0, 2, 1, "总计"), *values], 6, 3, 5.0), lines, set())


def test_a_value_over_two_rows_whose_rule_was_lost_leaves_the_labels_beside() -> None:
    """One value cell over two value rows (the rule between them lost, seed 8787's fax TIFF 5):
    no header words beside a value, so the labels beside the value rows are still taken."""
    cells = [(cell, slot) for cell, slot in _piece([["1", "2"], ["0", "3"], ["4", "5"], ["6", "7"]]).cells
             if cell.col == 0 or cell.row in (0, 3)]
    cells.append((GridCell(1, 1, 2, 1, (600, 150, 700, 250)), Slot("0", (1, 1), 1)))
    lines = [(100, 110 + 50 * r, 400, 140 + 50 * r) for r in range(4)]
    assert sorted(beside_rows(TablePiece(1, cells, 4, 2, 5.0), lines, set())) == [0, 1, 2, 3]


def test_one_label_left_as_its_ordinal_keeps_the_labels_beside_but_a_lost_value_column_does_not() -> None:
    """A fax may leave of a label its ordinal only (2 of 2.没有现成信息需要另行制作; seed 8034's
    fax TIFF 5: section 三's labels left as prose for it, 175 values lost); a value column lost
    with the labels ends a row's line in digits after its words (seed 6262's fax TIFF 1: 4 of
    section 二's 18 rows)."""
    lines = [(100, 110 + 50 * r, 400, 140 + 50 * r) for r in range(4)]
    beside = {r: [r] for r in range(4)}
    labels = ["1.本机关不掌握相关政府信息", "2", "3.补正后申请内容仍不明确", "1.信访举报投诉类申请"]
    assert not ends_in_digits(beside, lines, [CellText(text, 0.9) for text in labels])
    with_values = ["行政许可", "行政处罚210", "行政强制", "行政事业性收费"]
    assert ends_in_digits(beside, lines, [CellText(text, 0.9) for text in with_values])


def test_a_faded_label_misread_with_digits_at_its_end_keeps_the_labels_beside() -> None:
    """A faded label read unsurely tells nothing by the digits its misreading ends in (seed
    7705's fax TIFF 7 in AR PL UMing: 3.补正后申请内容仍不明确 read 第[3.补即请内71 at 0.43,
    section 三's labels left as prose for it and 154 values lost); the same line read surely does."""
    lines = [(100, 110 + 50 * r, 400, 140 + 50 * r) for r in range(4)]
    beside = {r: [r] for r in range(4)}
    labels = ["1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "第[3.补即请内71", "1.信访举报投诉类申请"]
    sure = [0.9, 0.9, 0.43, 0.9]
    assert not ends_in_digits(beside, lines, [CellText(text, c) for text, c in zip(labels, sure, strict=True)])
    assert ends_in_digits(beside, lines, [CellText(text, 0.9) for text in labels])
