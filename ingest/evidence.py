"""What is known about each cell's reading, as a few discrete features: the evidence the
calibrated confidence (ingest/calibration.py) is looked up by.

Kept apart: how the value was read (exactly from the file's text, or by OCR and how the
two readings agreed), how it was placed in the template (label match, alignment), whether
it was printed blank, and what the template's relations say about it. A broken relation
points at its *suspects*: the cells whose reading or placement is uncertain and could
explain the break. A relation broken with no suspect is the document's own inconsistency.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ingest.models import CellReading, CheckResult, Document, Format, Table, row_of

if TYPE_CHECKING:  # settings reads the calibration's threshold, which imports this module
    from ingest.settings import Settings

# Formats whose values are read by OCR; every other format carries its text exactly.
OCR_FORMATS: tuple[str, ...] = ("pdf_scanned", "image")
# The feature names; a class is all but the format, refined by the format.
FEATURES = ("kind", "reading", "placement", "printed", "relations", "format")
# Placement confidence (the mapper's, without the reader's share) at or above each bound.
_PLACEMENT = ((0.98, "exact"), (0.9, "fuzzy"), (0.55, "weak"), (0.35, "ambiguous"), (1e-9, "missing"))
SURE_PLACEMENTS = ("exact", "fuzzy")
# What the reader and the mapper themselves claim for each reading and placement: the
# probability a class starts from before the fit's cells, so a class the fit saw a few
# times (an engine disagreement on a corpus read almost perfectly) is not trusted for it.
_CLAIMED = {"exact": 1.0, "agree": 0.995, "agree_low": 0.97, "disagree": 0.3, "no_ink": 0.99, "faint_ink": 0.5,
            "none": 0.9}
_PLACED = {"exact": 0.99, "fuzzy": 0.965, "weak": 0.6, "ambiguous": 0.5, "cut": 0.5, "missing": 0.3, "absent": 0.0}
# A suspect of a broken relation: the break or its own reading is wrong (or the document is).
_RELATED = {"suspect": 0.5}
# Placements a relation holding over printed numbers other than 0 settles as surely as an exact
# label (fit corpus: 103 of 103 such cells right); not a cut or an ambiguous one, which the
# document offers other values for (104 of 113), nor a short row's values placed from the left:
# every short row of a page placed alike keeps its columns' sums (a printed web page without
# rules, seed 1053: a 1 of 社会公益组织 read as 商业企业's, its column balance holding, silently).
_SETTLED_BY_SUMS = ("fuzzy", "weak")
_UNSURE_READINGS = ("agree_low", "disagree", "none")
# Placements the document alone cannot settle: another cut, another alignment, or (a short
# row placed from the left) another column for each value; only sums over printed numbers
# other than 0 settle them (seed 7319's fax: a 总计 column's 0 placed from the left as 其他's,
# its row's sums all zero, kept at 0.995 unflagged).
_UNSETTLED_PLACEMENTS = ("ambiguous", "cut", "missing")


@dataclass(frozen=True)
class Evidence:
    """The discrete evidence about one cell."""

    format: str
    kind: str  # exact | ocr
    # exact | agree | agree_low | disagree | no_ink (clean paper) | faint_ink (no ink, but marks
    # fainter than ink, read as a number or not, or the engines found no number) | none (no source cell)
    reading: str
    # exact | fuzzy | weak | ambiguous | cut (digits run together: other cuts offer other values)
    # | missing | absent (not found, not a number)
    placement: str
    printed: str  # value | blank
    # suspect | broken | blank_sum | held | held_zero | beside_blank_sum | unchecked
    relations: str = "unchecked"

    def uncertain(self) -> bool:
        """Whether the reading or placement could be wrong enough to explain a broken relation."""
        return self.placement not in SURE_PLACEMENTS or (self.kind == "ocr" and self.reading in _UNSURE_READINGS)

    def must_review(self) -> bool:
        """Whatever the fit says: nothing placed; a suspect of a broken relation (its uncertain
        reading or placement may explain the break); a placement the document alone cannot
        settle (_UNSETTLED_PLACEMENTS) that no relation over printed numbers confirms; a scan's
        cell read blank where faint marks lie (a 0 under a seal's rest), or read from them
        alone. All-zero sums cannot tell a blank from a 0; clean paper is blank whatever the
        sums (a report printing whole columns blank)."""
        unsettled = self.placement in _UNSETTLED_PLACEMENTS or self.reading == "faint_ink"
        return self.placement == "absent" or self.relations == "suspect" or (unsettled and self.relations != "held")

    @staticmethod
    def parse(key: str) -> Evidence:
        """The evidence back from its class key with the format (`classes()[1]`)."""
        values = dict(zip(FEATURES, key.split("|"), strict=True))
        return Evidence(values["format"], values["kind"], values["reading"], values["placement"], values["printed"],
                        values["relations"])

    def claimed(self) -> float:
        """The probability the reader and the mapper claim for this evidence (the fit's prior)."""
        placed = _PLACED.get(self.placement, 0.0)
        if self.relations == "held" and self.placement in _SETTLED_BY_SUMS:
            placed = _PLACED["exact"]
        return _CLAIMED.get(self.reading, 0.5) * placed * _RELATED.get(self.relations, 1.0)

    def classes(self) -> tuple[str, str]:
        """The class key without and with the format."""
        values = [getattr(self, name) for name in FEATURES]
        return "|".join(values[:-1]), "|".join(values)


def source_confidences(document: Document) -> dict[tuple[int | None, tuple[float, ...]], float]:
    """The reader's confidence of every table cell that has a place on a page, by (page, bbox)."""
    out: dict[tuple[int | None, tuple[float, ...]], float] = {}
    for block in document.blocks:
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row:
                    if cell.bbox is not None:
                        out[(cell.page, tuple(cell.bbox.as_list()))] = cell.confidence
    return out


def _reading(cell: CellReading, source: float | None, settings: Settings) -> str:
    if source is None:
        return "none"
    if cell.text in (None, ""):
        return "no_ink" if source >= settings.ocr.conf_blank else "faint_ink"
    if cell.value is not None and source <= settings.ocr.conf_light_read:
        return "faint_ink"
    if source >= settings.ocr.conf_agree:
        return "agree"
    return "agree_low" if source >= settings.ocr.conf_agree_low_score else "disagree"


def _placement(confidence: float) -> str:
    return next((name for bound, name in _PLACEMENT if confidence >= bound), "absent")


def cell_evidence(cell: CellReading, fmt: Format | None, sources: Mapping[tuple[int | None, tuple[float, ...]], float],
                  settings: Settings) -> Evidence:
    """The evidence of one mapped cell, before the relations are looked at."""
    kind = "ocr" if fmt in OCR_FORMATS else "exact"
    source = sources.get((cell.page, tuple(cell.bbox.as_list()))) if cell.bbox is not None else None
    if kind == "ocr":
        reading = _reading(cell, source, settings)
    else:
        reading, source = "exact", None
    placement = _placement(cell.confidence / source if source else cell.confidence)
    if cell.candidates:
        # The mapper offers other values: the document alone cannot tell (cells run together).
        # Kept apart from other ambiguous placements (blank cells at a row's edge): right as
        # often as the digits' cuts happen to be, not as the alignment.
        placement = "cut"
    printed = "blank" if cell.value is None else "value"
    return Evidence(str(fmt), kind, reading, placement, printed)


def suspects(check: CheckResult, evidence: Mapping[str, Evidence]) -> list[str]:
    """The cells of a broken relation whose uncertain reading could explain the break."""
    return [key for key in check.cells if evidence[key].uncertain()]


def _blank_sum(key: str, check: CheckResult, cells: Mapping[str, CellReading]) -> bool:
    """Whether `key` is the blank sum (the lone left side) of a relation whose parts print a
    number other than 0: a row printed short of a cell places its blanks so (a missing 总计),
    a 2019 page prints 总计 blank on its detail rows so; which of the two, the fit tells."""
    return check.left == [key] and any(cells[k].value for k in check.cells if k != key)


def relation_status(key: str, cell: CellReading, checks: list[CheckResult],
                    cells: Mapping[str, CellReading]) -> str:
    """What the relations say of one cell: suspect of a break, in a broken relation without
    being a suspect, a blank sum of printed numbers, in a relation that holds over printed
    numbers (all zero or not), a printed number of a relation whose other side is printed
    blank (nothing checks it, but a sum read blank beside it is often a row misread: a scan's
    faint 总计), or in none."""
    mine = [c for c in checks if c.applies and key in c.cells]
    if any(key in c.suspects for c in mine):
        return "suspect"
    if any(not c.ok for c in mine):
        return "broken"
    if cell.value is None and any(_blank_sum(key, c, cells) for c in checks):
        return "blank_sum"
    if not mine:
        beside_blank = cell.value is not None and any(not c.applies and key in c.cells for c in checks)
        return "beside_blank_sum" if beside_blank else "unchecked"
    if cell.value and cell.candidates and not any(c.ok and _ties_rows(key, c) for c in mine):
        # Digits run together cut several ways that each keep the row's own sum: only a sum
        # over other rows (a column's) tells the cuts apart, and none applies (a page cut
        # short before section 三's 总计 row: 2811000039 read 28|1|10|…|39 for 28|11|0|…|39).
        return "unchecked"
    return "held" if cell.value else "held_zero"


def _ties_rows(key: str, check: CheckResult) -> bool:
    """Whether a relation holds `key` against cells of other rows (a column's sum)."""
    return any(row_of(k) != row_of(key) for k in check.cells)
