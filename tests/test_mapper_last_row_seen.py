"""A table's last row whose cells were all seen, blank ones too, is whole: the document may end
in it without its cells being doubted as cut short (seed 6969's photo 3, section 四's zeros
printed blank: its 15 cells were flagged, all right). A row printed short still is."""

from __future__ import annotations

from ingest.layouts import load_layouts
from ingest.mapper import map_document
from ingest.mapper.chain import CUT_SHORT
from ingest.models import Document, Paragraph, SourceCell, Table
from ingest.settings import Settings

_RESULTS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
_HEAD = [
    ["行政复议"] * 5 + ["行政诉讼"] * 10,
    _RESULTS + ["未经复议直接起诉"] * 5 + ["复议后起诉"] * 5,
    _RESULTS * 3,
]


def _section_four(values: list[str]) -> Document:
    rows = [*_HEAD, values]
    table = Table([[SourceCell(text, r, c, confidence=0.99) for c, text in enumerate(row)]
                   for r, row in enumerate(rows)])
    return Document("image", [Paragraph("四、政府信息公开行政复议、行政诉讼情况"), table])


def _cut_short(values: list[str]) -> list[str]:
    settings = Settings()
    mapping = map_document(_section_four(values), load_layouts(settings.layouts_dir), settings)
    cells = {k: c for k, c in mapping.cells.items() if k.startswith("s4.")}
    assert len(cells) == 15
    return [k for k, c in cells.items() if any(CUT_SHORT in n for n in c.notes)]


def test_a_last_row_of_blank_cells_all_seen_is_not_cut_short() -> None:
    assert _cut_short([""] * 15) == []
    assert _cut_short(["0"] * 14 + [""]) == []


def test_a_last_row_printed_short_is_still_doubted() -> None:
    assert _cut_short(["0"] * 14)
