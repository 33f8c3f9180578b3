"""Confidence after the checks, and the review flags.

A broken relation is first a finding about the document. Only its suspects (cells whose
reading or placement is uncertain, ingest/evidence.py, and whose uncertainty could give the
value read for the one that restores the relation; failing those, OCR'd cells a rule's dash
read as a 1 would explain it) are flagged, with the value that would restore the
relation as `suggestion` when one suspect alone can. Every cell's
confidence is then the calibrated P(right) of its evidence; cells below the review
threshold are flagged. Printed values are never changed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from ingest import calibration
from ingest.evidence import SURE_PLACEMENTS, Evidence, cell_evidence, relation_status, suspects
from ingest.models import CellReading, CheckResult, Format, Number, row_of
from ingest.settings import Settings


def _restoring(check: CheckResult, key: str, cells: Mapping[str, CellReading]) -> Number | None:
    """The value of `key` that makes the relation hold, if it is a possible count (≥ 0)."""
    lsum = sum((cells[k].value or 0 for k in check.cells if k in check.left), start=0)
    rsum = sum((cells[k].value or 0 for k in check.cells if k not in check.left), start=0)
    value = cells[key].value or 0
    restored = value + (rsum - lsum if key in check.left else lsum - rsum)
    return restored if restored >= 0 else None


def _one_glyph_apart(read: Number | None, restored: Number | None) -> bool:
    """Whether `restored` differs from `read` in one character of the same length: a glyph
    both engines misread alike (an 8 worn to a 6), not a digit gained or lost."""
    if read is None or restored is None:
        return False
    a, b = str(read), str(restored)
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _could_explain(key: str, check: CheckResult, cells: Mapping[str, CellReading], evidence: Evidence) -> bool:
    """Whether an uncertain cell could explain the break: any cell whose placement or engines'
    disagreement leaves its value open; a cell both engines read alike, one of them with a low
    score (mostly a lone "0" on a photo or fax: 1 wrong of 109 on the fit corpus), only by one
    glyph misread. Seed 1013's photo printed a total 10 over details read "0": its 21
    low-scored zeros were each flagged as maybe a 10."""
    if evidence.reading != "agree_low" or evidence.placement not in SURE_PLACEMENTS:
        return True
    return _one_glyph_apart(cells[key].value, _restoring(check, key, cells))


def _stray_stroke(check: CheckResult, cells: Mapping[str, CellReading], evidence: Mapping[str, Evidence]) -> list[str]:
    """OCR'd cells that read a rule's dash beside their digits as a 1 would explain the break
    with: the value without a leading or trailing 1 restores the relation ("0" read "10" by
    both engines, a rule's dash drifting into a fax's cell)."""
    out = []
    for key in check.cells:
        value = cells[key].value
        if evidence[key].kind != "ocr" or not isinstance(value, int) or value < 10:
            continue
        digits = str(value)
        stripped = {int(d) for d in (digits[1:] if digits[0] == "1" else None,
                                     digits[:-1] if digits[-1] == "1" else None) if d and (d == "0" or d[0] != "0")}
        if _restoring(check, key, cells) in stripped:
            out.append(key)
    return out


# The note of a cell whose one printed cell was read into another row's cell too.
SHARED_SOURCE = "its printed cell also fills another row"


def _shared_across_rows(cells: Mapping[str, CellReading]) -> set[str]:
    """Cells whose value comes from a printed cell (page, place) that also gives another
    template row a value: a rule lost between two rows (one tall cell read once), or a row
    placed on its neighbour's values. Which row the value belongs to, the document alone
    cannot say. Cells of one row cut from one run of digits share their place by design."""
    rows: dict[tuple[int | None, tuple[float, ...]], set[str]] = {}
    for key, cell in cells.items():
        if cell.bbox is not None and cell.value is not None:
            rows.setdefault((cell.page, tuple(cell.bbox.as_list())), set()).add(row_of(key))
    return {key for key, cell in cells.items() if cell.bbox is not None and cell.value is not None
            and len(rows[(cell.page, tuple(cell.bbox.as_list()))]) > 1}


# The note of a blank cell beside a value placed by guess that a broken relation doubts.
UNSURE_ROW = "a value of its row placed by guess is doubted: it may stand here"


def _beside_doubted_guess(cells: Mapping[str, CellReading], checks: list[CheckResult],
                          evidence: Mapping[str, Evidence]) -> set[str]:
    """Blank cells placed by guess in a row whose value placed by guess is a suspect of a
    broken relation: a lone value taken for the row's 总计 that a column's sum doubts may be
    any blank cell's (seed 4242: a lone 10, its 商业企业, read as the 总计, the row's 商业企业
    blank unflagged). Where that value stands, the row's blanks are as unsure as it. So too
    where no relation checks that value, only ones its blank side leaves out: no column's sum
    doubts it then, none confirms it either (a web page cut short before section 三's 总计 row:
    its 100100 read as 新收's 总计 for 1|0|0|1|0|0, the 自然人's 1 left blank, sure)."""
    doubted = {row_of(key) for check in checks for key in check.suspects
               if cells[key].value is not None and evidence[key].uncertain()}
    doubted |= {row_of(key) for key in _unchecked_beside_blank(cells, checks)
                if evidence[key].uncertain()}
    return {key for key, cell in cells.items() if cell.value is None and evidence[key].uncertain()
            and row_of(key) in doubted}


def _unchecked_beside_blank(cells: Mapping[str, CellReading], checks: list[CheckResult]) -> set[str]:
    """The printed numbers of relations left out for a blank side that no relation applying checks."""
    checked = {key for check in checks if check.applies for key in check.cells}
    return {key for check in checks if not check.applies for key in check.cells
            if cells[key].value is not None and key not in checked}


def _notes(key: str, checks: list[CheckResult]) -> list[str]:
    broken = [c for c in checks if c.applies and not c.ok and key in c.cells]
    suspected = [c.id for c in broken if key in c.suspects]
    printed = [c.id for c in broken if key not in c.suspects]
    out = []
    if suspected:
        out.append("may explain broken relation " + ", ".join(suspected))
    if printed:
        out.append("in relation broken as printed " + ", ".join(printed))
    return out


def apply_checks(cells: Mapping[str, CellReading], checks: list[CheckResult], settings: Settings,
                 fmt: Format | None = None,
                 sources: Mapping[tuple[int | None, tuple[float, ...]], float] | None = None) -> None:
    """Name the suspects of broken relations, set calibrated confidences and `review`.
    `sources`: the reader's confidence by (page, bbox) (ingest/evidence.py)."""
    evidence: dict[str, Evidence] = {k: cell_evidence(c, fmt, sources or {}, settings) for k, c in cells.items()}
    for check in checks:
        if check.applies and not check.ok:
            uncertain = [k for k in suspects(check, evidence) if _could_explain(k, check, cells, evidence[k])]
            check.suspects = uncertain or _stray_stroke(check, cells, evidence)
            if len(check.suspects) == 1:
                key = check.suspects[0]
                restored = _restoring(check, key, cells)
                check.suggestion = {key: restored} if restored is not None else None
    model = calibration.load()
    shared = _shared_across_rows(cells)
    beside_guess = _beside_doubted_guess(cells, checks, evidence)
    for key, cell in cells.items():
        seen = replace(evidence[key], relations=relation_status(key, cell, checks, cells))
        cell.evidence = seen.classes()[1]
        cell.notes.extend(_notes(key, checks))
        confidence = model.probability(seen) if model is not None else cell.confidence
        cell.confidence = round(min(1.0, max(0.0, confidence)), 4)
        # A cell not found is null for a person to find, however often such cells were blank.
        cell.review = not cell.found or cell.confidence < settings.review.cell_threshold or seen.must_review()
        if key in shared:
            cell.notes.append(SHARED_SOURCE)
            cell.review = True
        if key in beside_guess:
            cell.notes.append(UNSURE_ROW)
            cell.review = True
    for check in checks:
        for key, value in (check.suggestion or {}).items():
            if cells[key].suggestion is None and key in check.suspects:
                cells[key].suggestion = value
