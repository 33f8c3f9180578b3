"""What is known about a report's agency, year and template, as a few discrete features: the
evidence their calibrated confidence (ingest/calibration.py) is looked up by, as a cell's is.

Kept apart: where the value was read (the title, the signature, the statistics period, …),
how the other places bear it out (confirmed, alone, doubted, contradicted; for a template:
its own header words printed, tied with another's, or a year before it existed) and whether
the text was read exactly or by OCR. The hand rules of ingest/meta.py and
ingest/template_check.py give the status and the probability each status claims.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ingest.evidence import OCR_FORMATS

if TYPE_CHECKING:
    from ingest.settings import Settings

FIELDS = ("agency", "year", "template")
# The feature names; the finest class is all of them, coarser ones drop the format, then the
# source and kind.
FIELD_FEATURES = ("field", "source", "status", "kind", "format")
# The Settings field holding each status's claim (a status not listed: nothing found, 0).
# The `MetaConfidence` field holding each status's claim.
_CLAIMS = {
    "confirmed": "confirmed", "single": "single", "doubted": "doubted", "conflict": "conflict",
    "medium_confirmed": "medium_confirmed", "medium": "medium", "weak": "weak",
    "clear": "template_clear", "tied": "template_tied", "year_mismatch": "template_year_mismatch",
}

_UNSURE = ("medium", "weak", "doubted", "conflict", "none")


@dataclass(frozen=True)
class FieldEvidence:
    """The discrete evidence about one report-level field."""

    field: str  # agency | year | template
    source: str  # where the value was read (title, signature, statistics_period, …; header for a template)
    status: str  # how the other places bear it out (see _CLAIMS); none: nothing found
    kind: str  # exact | ocr
    format: str

    @staticmethod
    def of(field: str, source: str, status: str, fmt: str | None) -> FieldEvidence:
        """The evidence of a field read from a document of format `fmt`."""
        kind = "ocr" if fmt in OCR_FORMATS else "exact"
        return FieldEvidence(field, source.replace(" ", "_"), status, kind, str(fmt))

    def must_review(self) -> bool:
        """Whatever the fit says: a value no strong place gives unconfirmed (a name only in the
        opening, a banner, a signature glued to a clause), one other strong places contradict,
        or none at all; a name or year read by OCR in one place alone (one character misread
        there, 东方红镇 as 东万红镇, and nothing tells). The generated corpus names its bodies
        one way and prints them cleanly; real reports do not."""
        return self.status in _UNSURE or (self.kind == "ocr" and self.status == "single")

    def claimed(self, settings: Settings) -> float:
        """What the hand rules claim for this status: the fit's prior."""
        name = _CLAIMS.get(self.status)
        return float(getattr(settings.meta, name)) if name else 0.0

    def classes(self) -> tuple[str, str, str]:
        """The class keys, coarsest first: field and status; with source and kind; with the format."""
        return (f"{self.field}|{self.status}", f"{self.field}|{self.source}|{self.status}|{self.kind}",
                "|".join((self.field, self.source, self.status, self.kind, self.format)))

    @staticmethod
    def parse(key: str) -> FieldEvidence:
        """The evidence back from its finest class key (`classes()[2]`)."""
        return FieldEvidence(*key.split("|"))
