"""Row labels of a scanned table taken for the template's by their opening characters, and
between two such labels by the row order, only when every check holds (else read whole)."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from ingest.models import Table
from ingest.readers.scan import read_image_file
from ingest.scan import table_cells as table_cells_module
from ingest.scan.known_labels import (
    KnownLabel,
    _between,
    groups_told,
    ink_width,
    known_labels,
    match_opening,
    printed_width,
)
from ingest.scan.ocr.base import CellText
from ingest.scan.ocr.consensus import read_cells
from ingest.settings import Settings, load_settings
from ingest.tables.model import GridCell

FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
NEW = "一、本年新收政府信息公开申请数量"
CARRIED = "二、上年结转政府信息公开申请数量"
GRANTED = "（一）予以公开"
PARTLY = "（二）部分公开"
SECRET = "1.属于国家秘密"
OTHER_LAW = "2.其他法律行政法规禁止公开"
REVIEW = "5.要求行政机关确认或重新出具已获取信息"
DANGER = "3.危及“三安全一稳定”"
THIRD_PARTY = "4.保护第三方合法权益"
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def _table_png(labels: list[str], size: int = 28, spacing: float = 1.0) -> bytes:
    """A 150-dpi page holding a two-column table: a label (its lines parted by newlines) and a
    value per row (text `size` px, its characters `spacing` times their own width apart)."""
    image = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, size)
    xs, top, line = [100, 760, 960], 300, 60
    ys = [top]
    for label in labels:
        ys.append(ys[-1] + line * (label.count("\n") + 1))
    for y in ys:
        draw.line([(xs[0], y), (xs[-1], y)], fill="black", width=2)
    for x in xs:
        draw.line([(x, ys[0]), (x, ys[-1])], fill="black", width=2)
    for r, label in enumerate(labels):
        for n, text in enumerate(label.split("\n")):
            at = xs[0] + 12.0
            for character in text:
                draw.text((at, ys[r] + 14 + n * line), character, font=font, fill="black")
                at += spacing * font.getlength(character)
        draw.text((xs[1] + 40, ys[r] + 14), str(r + 3), font=font, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _labels_read(labels: list[str], monkeypatch: pytest.MonkeyPatch, size: int = 28,
                 spacing: float = 1.0) -> tuple[list[str], str]:
    """The table's labels as read, and the cells read whole (by the engines themselves)."""
    seen: list[str] = []

    def reading(*args: Any) -> list[CellText]:
        found = read_cells(*args)
        seen.extend(r.text for r in found)
        return found

    monkeypatch.setattr(table_cells_module, "read_cells", reading)
    document = read_image_file(_table_png(labels, size, spacing), load_settings())
    table = next(b for b in document.blocks if isinstance(b, Table))
    return [row[0].text for row in table.rows], "|".join(seen)


def test_labels_named_by_their_openings_and_by_the_row_order_between_them(monkeypatch: pytest.MonkeyPatch) -> None:
    # Rows 0 and 4 are long (read by their openings); rows 1-3 lie between as in the template.
    labels = [CARRIED, GRANTED, PARTLY, SECRET, OTHER_LAW]
    read, engine_read = _labels_read(labels, monkeypatch)
    assert read == labels
    # Neither long label was read whole, nor any label between them.
    assert "申请数量" not in engine_read and "禁止公开" not in engine_read
    assert "予以公开" not in engine_read and "国家秘密" not in engine_read


def test_labels_letter_spaced_are_named_by_their_width_against_the_tables_other_labels(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Every label printed two fifths wider than its characters: no cell is as wide as its label
    # alone, but as wide as the table's other labels tell.
    labels = [CARRIED, GRANTED, PARTLY, SECRET, OTHER_LAW, DANGER, THIRD_PARTY]
    read, engine_read = _labels_read(labels, monkeypatch, size=24, spacing=1.4)
    assert read == labels
    assert "申请数量" not in engine_read and "禁止公开" not in engine_read and "合法权益" not in engine_read
    assert "予以公开" not in engine_read and "国家秘密" not in engine_read


def test_labels_wrapped_over_lines_are_named_by_their_first_lines_opening(monkeypatch: pytest.MonkeyPatch) -> None:
    # A narrow label column: each label's first line is shorter than a long label, the lines together are not.
    wrapped = ["2.其他法律行政法\n规禁止公开", "3.危及“三安全一\n稳定”", "4.保护第三方合法\n权益"]
    read, engine_read = _labels_read(wrapped, monkeypatch)
    assert read == [OTHER_LAW, DANGER, THIRD_PARTY]
    assert "禁止公开" not in engine_read and "合法" not in engine_read


def test_a_light_prints_width_is_measured_as_a_dark_ones() -> None:
    # The light label's strokes are all lighter than a dark print's ink cut.
    font = ImageFont.truetype(FONT, 28)
    widths = []
    for shade in (0, 150):
        image = Image.new("L", (400, 50), 255)
        ImageDraw.Draw(image).text((10, 8), SECRET, font=font, fill=shade)
        widths.append(ink_width(np.asarray(image.filter(ImageFilter.GaussianBlur(1))), 1.09))
    assert abs(widths[1] - widths[0]) < 0.1 * widths[0]
    assert abs(widths[0] - printed_width(SECRET)) < 1


def test_a_row_the_template_does_not_have_leaves_the_rows_around_it_read(monkeypatch: pytest.MonkeyPatch) -> None:
    # One row more than the template has between the long labels: nothing is told by the order.
    labels = [CARRIED, GRANTED, "（二）附加说明", PARTLY, SECRET, OTHER_LAW]
    read, engine_read = _labels_read(labels, monkeypatch)
    assert read == labels
    assert "予以公开" in engine_read and "国家秘密" in engine_read


def test_a_headers_note_is_named_by_its_opening_wherever_it_stands(monkeypatch: pytest.MonkeyPatch) -> None:
    # The note is no row: it stands outside the rows' order, which still tells the rows between.
    labels = [NOTE, CARRIED, GRANTED, PARTLY, SECRET, OTHER_LAW]
    read, engine_read = _labels_read(labels, monkeypatch, size=18)
    assert read == labels
    assert "勾稽" not in engine_read and "予以公开" not in engine_read


def _settings_and_labels() -> tuple[Settings, tuple[KnownLabel, ...]]:
    settings = load_settings()
    return settings, known_labels(settings.layouts_dir)


def test_an_opening_naming_two_rows_or_another_ordinal_is_no_match() -> None:
    settings, labels = _settings_and_labels()
    # "申请人" opens two rows of section 三: the width does not choose between rows.
    assert match_opening(CellText("1.申请人天", 0.99), 32.0, labels, settings) is None
    # The opening's ordinal must be the template label's.
    assert match_opening(CellText("3.其他法律行", 1.0), 13.0, labels, settings) is None
    assert match_opening(CellText("2.其他法律行", 1.0), 13.0, labels, settings).text == OTHER_LAW  # type: ignore[union-attr]
    # Two rows open alike ("3.要求提供…", "5.要求行政…"): the last character read tells them
    # apart, the ordinal read agreeing.
    assert match_opening(CellText("5.要求行", 1.0), 19.0, labels, settings).text == REVIEW  # type: ignore[union-attr]
    assert match_opening(CellText("3.要求行", 1.0), 19.0, labels, settings) is None
    # A cell wider than the label (more printed after it) or an unsure reading is read whole.
    assert match_opening(CellText("2.其他法律行", 1.0), 20.0, labels, settings) is None
    assert match_opening(CellText("2.其他法律行", 0.5), 13.0, labels, settings) is None


def test_an_opening_whose_one_was_lost_names_the_row_numbered_one() -> None:
    settings, labels = _settings_and_labels()
    # 一 is one thin stroke a light print loses; its mark, read alone, still says the ordinal.
    assert match_opening(CellText("、本年新收", 1.0), 16.0, labels, settings).text == NEW  # type: ignore[union-attr]
    # No mark read: no ordinal, no match.
    assert match_opening(CellText("本年新收政", 1.0), 16.0, labels, settings) is None
    # Another numeral lost leaves another row's mark: never a match for a row numbered 一.
    assert match_opening(CellText("、上年结转", 1.0), 16.0, labels, settings) is None


def test_the_row_order_tells_only_rows_as_many_as_the_template_has_between() -> None:
    settings, labels = _settings_and_labels()
    by_text = {k.text: k for k in labels}

    def cell(row: int, col: int = 0, row_span: int = 1) -> GridCell[int]:
        return GridCell(row, col, row_span, 1, (0, 0, 1, 1))

    # A group's label spanning the rows (col 0) is not a row's label; the values are narrow.
    grid = [cell(0, 1), cell(1, 0, 3), cell(1, 1), cell(2, 1), cell(3, 1), cell(4, 1), cell(1, 2)]
    widths = [16.0, 4.0, 7.0, 7.0, 7.0, 13.0, 0.5]
    anchors = {0: by_text[CARRIED], 5: by_text[OTHER_LAW]}
    found = _between(anchors, grid, widths, labels, settings)
    assert {i: k.text for i, (k, _, _) in found.items()} == {2: GRANTED, 3: PARTLY, 4: SECRET}
    # A cell as wide as no label of its row is left to be read.
    widths[3] = 12.0
    assert 3 not in _between(anchors, grid, widths, labels, settings)
    # One table row fewer than the template rows between: nothing told.
    anchors = {0: by_text[NEW], 5: by_text[OTHER_LAW]}
    assert _between(anchors, grid, widths, labels, settings) == {}


def test_a_group_label_is_told_by_the_labels_taken_beside_it_when_they_are_all_its_rows() -> None:
    settings, _ = _settings_and_labels()
    unable = ["1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"]

    def table(group_rows: int) -> tuple[list[GridCell[int]], list[float], dict[int, CellText]]:
        grid = [GridCell(0, 0, group_rows, 1, (0, 0, 1, 1))]
        grid += [GridCell(r, 1, 1, 1, (0, 0, 1, 1)) for r in range(group_rows)]
        taken = {1 + r: CellText(text, 0.98 - r / 100) for r, text in enumerate(unable[:group_rows])}
        return grid, [6.0] + [printed_width(t) for t in unable[:group_rows]], taken

    grid, widths, taken = table(3)
    assert groups_told(grid, widths, taken, settings) == {0: CellText("（四）无法提供", 0.96)}
    # As wide as another text, or beside only two of its three rows: read.
    widths[0] = 10.0
    assert groups_told(grid, widths, taken, settings) == {}
    assert groups_told(*table(2), settings) == {}
