"""Which format a document's tables follow: how sure the chosen template is, and the
statistics table of the reports before 2019, which is no template of ours."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ingest.calibration import field_confidence
from ingest.field_evidence import FieldEvidence
from ingest.labels import label_core, nfkc
from ingest.layouts import TemplateLayout
from ingest.models import CellReading, row_of
from ingest.settings import Settings

# The header of the statistics table reports used until 2018 (指标名称 / 计量单位 / 统计数):
# one word of each group, close together.
_OLD_HEADER = re.compile(r"(?:指标名称|统计指标|指标)\s*(?:计量)?单位")
# The template's table prints most of these column words; the old table none.
_MIN_TEMPLATE_COLUMNS = 3
# Rows that make a table even without its heading (a page that starts inside one); read from
# a scan's ruled grid, fewer (a photo of a page holding section 二's last two rows: seed 3907).
_MIN_TABLE_ROWS = 3
_MIN_RULED_ROWS = 2
# Or one ruled row this long (section 四's 15 values alone on a report's last page: seed 6262),
# or one ruled row that holds every column of its template row (section 二's fees row alone on
# a scanned last page, 行政事业性收费 | 203.56: seed 2929's image, refused as not_a_report).
_MIN_RULED_CELLS = 10
# A document printing the headings of this many of a template's table sections is a report
# even when it holds none of its tables (a web page whose tables are images, left out of
# the text a crawler saved); a letter or a notice quoting the report names one at most.
_MIN_SECTION_HEADINGS = 2


def _core(text: str) -> str:
    return label_core(re.sub(r"\s+", "", nfkc(text)))


def header_hits(layout: TemplateLayout, core: str) -> int:
    """How many of the template's own header words (those no other template prints) occur."""
    return sum(1 for word in layout.signature_labels if label_core(word) in core)


def _column_words(layout: TemplateLayout) -> set[str]:
    return {label_core(c.label) for s in layout.sections for c in s.columns if len(c.label) >= 3}


def is_old_format(text: str, layouts: tuple[TemplateLayout, ...], year: int | None) -> bool:
    """Whether the document's table is the pre-2019 statistics table rather than a template's:
    the template's column words are not printed, and the old table's header words are, or the
    report is (surely) of a year before the first template."""
    first = min((t.first_year for t in layouts if t.first_year is not None), default=None)
    early = year is not None and first is not None and year < first
    if not early and not _OLD_HEADER.search(re.sub(r"\s+", "", nfkc(text))):
        return False
    core = _core(text)
    return all(sum(1 for w in _column_words(t) if w in core) < _MIN_TEMPLATE_COLUMNS for t in layouts)


def found_a_table(layout: TemplateLayout, cells: Mapping[str, CellReading], text: str, ruled: bool = False) -> bool:
    """Whether a table of the template is there: several of its rows, or a row under its
    section's heading (a row's label and numbers alone may be prose quoting one); `ruled`
    (a scan, whose tables are its ruled grids), fewer rows read from a grid's cells, one long
    row, or one whole row."""
    rows = {row_of(key) for key, cell in cells.items() if cell.found}
    if len(rows) >= _MIN_TABLE_ROWS:
        return True
    grid_cells = [key for key, cell in cells.items() if cell.found and cell.bbox]
    whole_row = any(row.columns and set(row.cell_keys()) <= set(grid_cells) for row in layout.rows())
    if ruled and (len({row_of(key) for key in grid_cells}) >= _MIN_RULED_ROWS or len(grid_cells) >= _MIN_RULED_CELLS
                  or whole_row):
        return True
    core = _core(text)
    sections = {row.split(".", 1)[0] for row in rows}
    return any(label_core(h) in core for s in layout.sections if s.id in sections for h in s.headings)


def prints_section_headings(layouts: tuple[TemplateLayout, ...], text: str) -> bool:
    """Whether the document prints the headings of the template's table sections, numbered
    (二、主动公开政府信息情况): a notice may name what a report tells, not head its parts so."""
    compact = re.sub(r"\s+", "", nfkc(text))

    def printed(heading: str) -> bool:
        number, _, words = nfkc(heading).partition("、")
        return re.search(re.escape(number) + r"[、.,]?" + re.escape(words), compact) is not None

    return any(sum(1 for s in t.sections if any(printed(h) for h in s.headings)) >= _MIN_SECTION_HEADINGS
               for t in layouts)


def template_of_year(layouts: tuple[TemplateLayout, ...], year: int | None) -> TemplateLayout | None:
    """The template issued for the reports of `year` (the latest first used by then); None
    when the year is unknown or before every template."""
    issued = [t for t in layouts if year is not None and t.first_year is not None and t.first_year <= year]
    return max(issued, key=lambda t: t.first_year or 0, default=None)


def template_confidence(text: str, layouts: tuple[TemplateLayout, ...], chosen: str, year: int | None,
                        s: Settings, fmt: str | None = None, told_apart: bool = True) -> tuple[float, str]:
    """How sure the chosen template is, calibrated (ingest/field_evidence.py), and the evidence
    class: clear when the document prints more of its own header words than of any other's,
    tied when only the rows told them apart, none when nothing did (`told_apart` false: a page
    of rows every template prints alike), and a year before the template existed."""
    core = _core(text)
    hits = {t.template: header_hits(t, core) for t in layouts}
    rivals = [n for name, n in hits.items() if name != chosen]
    status = "clear" if hits.get(chosen, 0) > max(rivals, default=0) else "tied" if told_apart else "none"
    first = next((t.first_year for t in layouts if t.template == chosen), None)
    if year is not None and first is not None and year < first:
        status = "year_mismatch"
    evidence = FieldEvidence.of("template", "header", status, fmt)
    return field_confidence(evidence, evidence.claimed(s)), evidence.classes()[-1]
