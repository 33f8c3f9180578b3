"""The typed data passed between stages: readers -> mapper -> checks -> writer."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

Format = Literal["pdf_text", "pdf_scanned", "docx", "doc", "html", "text", "image"]
Number = int | Decimal


@dataclass(frozen=True)
class BBox:
    """A rectangle in the page's own space (PDF points or image pixels), top-left origin."""

    x0: float
    y0: float
    x1: float
    y1: float

    def as_list(self) -> list[float]:
        return [round(self.x0, 1), round(self.y0, 1), round(self.x1, 1), round(self.y1, 1)]


@dataclass(frozen=True)
class SourceCell:
    """One cell as a reader found it. A merged cell appears at every grid position it
    covers, all sharing the same `origin` (its top-left grid position)."""

    text: str
    row: int
    col: int
    origin: tuple[int, int] | None = None
    page: int | None = None
    bbox: BBox | None = None
    # The reader's own certainty about `text` (1.0 for formats that carry text).
    confidence: float = 1.0


@dataclass
class Table:
    """Rows of cells in reading order."""

    rows: list[list[SourceCell]]


@dataclass
class Paragraph:
    text: str
    page: int | None = None


Block = Paragraph | Table


@dataclass
class Document:
    """What every reader returns: the blocks of a report in reading order."""

    format: Format
    blocks: list[Block]
    pages: int | None = None
    # JPEG of each page image that cells' bboxes refer to (scans), by 1-based page number.
    page_images: dict[int, bytes] = field(default_factory=dict)
    # A single photographed or scanned page may show only part of a report.
    may_be_partial: bool = False
    # Saved as a stream of characters (a text, a web page), which a crawler may have cut short
    # anywhere, inside a number too; other formats end at a page's end or do not open.
    ends_anywhere: bool = False

    def lines(self) -> list[str]:
        """Plain text lines, for title and metadata search."""
        out: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                out.append(block.text)
            else:
                for row in block.rows:
                    out.append(" ".join(c.text for c in row if c.text))
        return out


def row_of(key: str) -> str:
    """The row part of a cell key (`s3.denied.state_secret` of `s3.denied.state_secret.total`)."""
    return key.rsplit(".", 1)[0]


@dataclass
class CellReading:
    """The mapped value of one template cell, with how sure we are of it."""

    value: Number | None
    text: str | None
    confidence: float
    page: int | None = None
    bbox: BBox | None = None
    review: bool = False
    unit: str | None = None
    suggestion: Number | None = None
    # Values the cell may hold when the document alone cannot tell (cells run together).
    candidates: list[Number] = field(default_factory=list)
    # Why the confidence is what it is (kept for review screens and debugging).
    notes: list[str] = field(default_factory=list)
    # The evidence class the calibrated confidence was looked up by (ingest/evidence.py).
    evidence: str | None = None
    # A person's decision (the service's review pages): the value first read stays in `read_value`;
    # an illegible cell has no value.
    reviewed: bool = False
    reviewed_by: str | None = None
    read_value: Number | None = None
    illegible: bool = False
    # False when the mapper did not find the cell at all (null, always flagged); its confidence
    # is still the calibrated P(null is right): most such rows are left out of the document.
    found: bool = True


@dataclass
class CheckResult:
    id: str
    ok: bool
    detail: str
    cells: list[str]
    suggestion: dict[str, Number] | None = None
    # The keys of `cells` on the relation's left side (the rest are its right side).
    left: list[str] = field(default_factory=list)
    # False when a whole side is printed blank (a blank is not a zero): nothing to check.
    applies: bool = True
    # Of a broken relation, the cells whose reading could explain the break (flagged for review).
    # None of them: the document itself is inconsistent as printed (a finding, no flag).
    suspects: list[str] = field(default_factory=list)


@dataclass
class SourceInfo:
    file: str
    sha256: str
    format: Format | None
    pages: int | None = None


@dataclass
class ReportMeta:
    """The body that reports and the year it covers; each confidence is the probability
    that the value is right."""

    agency: str | None
    year: int | None
    agency_confidence: float = 0.0
    year_confidence: float = 0.0
    # Where each was read ("title: 平潭综合实验区"), shown to the person who reviews them.
    evidence: list[str] = field(default_factory=list)
    # The evidence classes the calibrated confidences were looked up by (ingest/field_evidence.py).
    agency_evidence: str | None = None
    year_evidence: str | None = None


@dataclass
class ReviewReason:
    """Why a result needs a person: a code (cells_not_found, cells_flagged, agency_unsure,
    year_unsure, template_unsure) and a sentence saying what to look at."""

    code: str
    message: str


@dataclass(frozen=True)
class ProseSpan:
    """Where a sentence of the report's text is: the paragraph (index among the document's
    blocks), the characters [start, end) within it, and the page when the format has pages."""

    text: str
    block: int
    start: int
    end: int
    page: int | None = None


@dataclass(frozen=True)
class ProseClaim:
    """A number the narrative states as a table figure: the claim (an id of
    layouts/findings/prose.yaml), the number, and where it is printed."""

    claim: str
    value: int
    span: ProseSpan


@dataclass
class Finding:
    """Something an oversight office would note about a report: a contradiction between its
    numbers, a departure from the template, a break across a body's years."""

    kind: str
    severity: str  # error | warning | info
    message: str  # in Chinese, for the people who read the reports
    cells: list[str] = field(default_factory=list)
    prose: ProseSpan | None = None
    # What tells findings of one kind apart (a relation, a claim, a column), for comparing runs.
    ref: str = ""
    # Other reports the finding is about (cross-year findings): their file names.
    reports: list[str] = field(default_factory=list)
    # What the finding rests on that is listed for review (cells, `report.year`; across years
    # `file:key`): empty when it rests only on what was read sure. A pending finding holds
    # whichever way the reader's doubt is settled, or reads as printed where the doubt is the
    # cell's own; a person's review of those settles it.
    pending: list[str] = field(default_factory=list)


@dataclass
class ErrorInfo:
    # An ErrorCode where the pipeline gives it; read back from a result, whatever string that holds.
    code: str
    message: str


# The report-level fields a result may flag for review, as `Report.flagged_fields` and findings'
# `pending` name them.
AGENCY_FIELD = "report.agency"
YEAR_FIELD = "report.year"
TEMPLATE_FIELD = "template"
# The report's text as OCR read it: a heading looked for there may have been misread.
TEXT_FIELD = "text"


@dataclass
class Report:
    """One converted file: either cells and checks, or an error."""

    source: SourceInfo
    template: str | None = None
    template_confidence: float = 0.0
    # The evidence class the template's calibrated confidence was looked up by (ingest/field_evidence.py).
    template_evidence: str | None = None
    report: ReportMeta | None = None
    cells: dict[str, CellReading] = field(default_factory=dict)
    checks: list[CheckResult] = field(default_factory=list)
    template_deviations: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # Every table figure the prose quotes, agreeing or not: the findings are recomputed from them
    # after a reviewer's decision changes a cell.
    prose_claims: list[ProseClaim] = field(default_factory=list)
    error: ErrorInfo | None = None
    # Report-level fields below the review threshold (AGENCY_FIELD, YEAR_FIELD, TEMPLATE_FIELD)
    # and every reason the result needs a person.
    flagged_fields: list[str] = field(default_factory=list)
    review_reasons: list[ReviewReason] = field(default_factory=list)
    # Written beside the JSON for review screens; not part of the JSON.
    page_images: dict[int, bytes] = field(default_factory=dict)
