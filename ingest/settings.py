"""Every tunable of the pipeline in one object, built by a function (never at import).

`load_settings` (and the service's `load_service_settings`) go through one loader, `load`: defaults, then
the environment variables named in the fields' metadata (`env`), then explicit overrides (the command line's).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ingest.calibration import default_field_review_threshold, default_review_threshold

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

LAYOUTS_DIR = Path(__file__).resolve().parent.parent / "layouts"

SettingsT = TypeVar("SettingsT", bound="DataclassInstance")


def env(variable: str, parse: Callable[[str], object] = str, empty_counts: bool = False) -> dict[str, object]:
    """A settings field's metadata: it is also read from the environment variable `variable` (through `parse`).

    A variable set to the empty string counts as unset, unless `empty_counts` (a list that may be empty).
    """
    return {"env": variable, "parse": parse, "empty_counts": empty_counts}


def load(cls: type[SettingsT], overrides: Mapping[str, object], **required: object) -> SettingsT:
    """`cls` from its defaults, then its fields' environment variables, then `overrides` (None: not given)."""
    values: dict[str, object] = {}
    for f in fields(cls):
        variable = f.metadata.get("env")
        raw = os.environ.get(variable) if variable else None
        if raw is None or (raw == "" and not f.metadata["empty_counts"]):
            continue
        try:
            values[f.name] = f.metadata["parse"](raw)
        except ValueError as exc:
            raise ValueError(f"{variable}={raw!r}: {exc}") from None
    values.update({key: value for key, value in overrides.items() if value is not None})
    return cls(**required, **values)


@dataclass(frozen=True)
class Settings:
    layouts_dir: Path = field(default=LAYOUTS_DIR, metadata=env("INGEST_LAYOUTS_DIR", Path))
    # Agency, year and template below this (calibrated) confidence are flagged for review. Default:
    # the lowest review rate with no wrong one unflagged on the benchmark (ingest/calibration.json).
    review_threshold: float = field(default_factory=default_field_review_threshold,
                                    metadata=env("INGEST_REVIEW_THRESHOLD", float))
    # A cell whose calibrated confidence is below this is flagged `review: true`. Default: the
    # lowest review rate with no silent error on the benchmark (ingest/calibration.json).
    cell_review_threshold: float = field(default_factory=default_review_threshold,
                                         metadata=env("INGEST_CELL_REVIEW_THRESHOLD", float))
    # Inputs larger than this are refused before reading.
    max_file_bytes: int = 100 * 1024 * 1024
    # Text (and HTML) larger than this is refused: no real report comes near it.
    max_text_chars: int = 5_000_000
    # HTML larger than this is refused before parsing (pages with inline images stay far below).
    max_html_bytes: int = 20 * 1024 * 1024
    # A Word (ZIP) file is refused when its parts declare more than this uncompressed in all,
    # or when one part inflates more than `max_zip_ratio` times (a ZIP bomb).
    max_unzipped_bytes: int = 300 * 1024 * 1024
    max_zip_ratio: float = 200.0
    # LibreOffice conversions (legacy .doc/.wps) are killed after this many seconds.
    soffice_timeout: float = 120.0
    # A Word or HTML table whose spans cover more grid positions than this is skipped
    # (report tables have a few hundred; this bounds the memory a hostile span can take).
    max_table_cells: int = 200_000
    # PDFs with more pages are refused (reports have a few dozen at most).
    pdf_max_pages: int = 500
    # A PDF page whose text layer is more than this share garbage ((cid:NN), private-use
    # or replacement glyphs) is read as a scanned page.
    pdf_garbage_share: float = 0.3
    # Scans and images: OCR engine ("both" reads every value with Tesseract and RapidOCR,
    # "tesseract" or "rapidocr" alone read it twice with two preprocessings).
    ocr_engine: str = field(default="both", metadata=env("INGEST_OCR_ENGINE"))
    # Scanned PDF pages are rendered at their embedded image's resolution, within these bounds;
    # a 150-dpi scan of an 8-pt table loses its rulings unless rendered larger.
    scan_min_dpi: int = 250
    scan_max_dpi: int = 300
    # A phone photo's page is warped flat to this resolution (or the photo's own, if coarser).
    scan_photo_dpi: int = 250
    # Images (or rendered pages) with more pixels than this are refused before decoding.
    scan_max_pixels: int = 80_000_000
    # Scans with more pages, and pages with more table cells, are refused.
    scan_max_pages: int = 60
    scan_max_cells: int = 3000
    # Threads OpenCV uses in a converting process: conversions run one per core, and more
    # threads per conversion only contend for the cores (and cost CPU time in hand-overs).
    scan_threads: int = 1
    # Arrays this large (bytes) or larger get their own memory map, returned to the system when
    # freed, where glibc would keep a freed page image in its heap (0: glibc's own choice).
    # 1 MiB took a 6-page 300-dpi scan's peak from 446 to 397 MB but cost 0.2-0.4 CPU s a page
    # in system time (page arrays mapped and zeroed anew), so it is not the default.
    mmap_threshold: int = field(default=0, metadata=env("INGEST_MMAP_THRESHOLD", int))
    # A Tesseract run is killed after this many seconds.
    tesseract_timeout: float = 120.0
    # Confidence of an OCR value: two readings agree (scores high / one low), disagree, no ink.
    # Two engines agreeing while one scores low is mostly a lone digit the general recogniser
    # is unsure of; on the benchmark's scans such cells were all right (220 of 220).
    ocr_conf_agree: float = 0.995
    ocr_conf_agree_low_score: float = 0.97
    ocr_conf_disagree: float = 0.3
    ocr_conf_blank: float = 0.99
    # A cell with no mark in its ink but marks in its faint ink (lighter than the ink's cut):
    # a digit may be lost there, so it is reviewed (ingest/evidence.py: faint_ink).
    ocr_conf_blank_marks: float = 0.5
    # An engine score below this makes a reading unsure.
    ocr_min_score: float = 0.6
    # A label matches a template label when the similarity reaches this.
    label_match_ratio: float = 0.74
    # A label variant naming a deviation wins only when it matches this much better than the
    # template's own label.
    deviation_margin: float = 0.1
    # Agency and year: the probability a value is right given its evidence. Strong evidence
    # (a title, a signature, the statistics period) confirmed by another place, alone,
    # contradicted only by weaker evidence, contradicted by other strong evidence; a value read
    # from the opening's subject (confirmed or not); from a name merely mentioned.
    meta_conf_confirmed: float = 0.99
    meta_conf_single: float = 0.95
    meta_conf_doubted: float = 0.8
    meta_conf_conflict: float = 0.4
    meta_conf_medium_confirmed: float = 0.92
    meta_conf_medium: float = 0.75
    meta_conf_weak: float = 0.5
    # Template: the document prints this many more of its own header words than of any other
    # template's; tied (only the rows told them apart); a 2021 table for a year before 2021.
    template_conf_clear: float = 0.99
    template_conf_tied: float = 0.8
    template_conf_year_mismatch: float = 0.6
    # Confidence factors (probability the value is right given how it was found).
    conf_exact: float = 0.995
    conf_fuzzy_label: float = 0.97
    conf_weak_label: float = 0.6
    conf_ambiguous_alignment: float = 0.5
    conf_missing_cells: float = 0.3
    # Findings (ingest/findings/): a contradiction resting on a cell read with less confidence
    # than this may be the reader's, and is left to the cell's review flag; a blank read with
    # less is not reported as blank. Benchmark cells in [0.5, 0.8) were right 18 % of the time.
    findings_min_confidence: float = 0.8
    # A row the document does not print at all (its section found, neither label nor values).
    conf_row_not_printed: float = 0.95
    # A run of digits told apart from its other cuts only by the numbers the prose quotes.
    conf_prose_cut: float = 0.93
    # Runs of digits: cuts of one row weighed at most, and states of the table-wide search.
    max_run_cuts: int = 1000
    max_cut_states: int = 20_000
    # Conversions at once: processes of `ingest run`, work horses of `ingest worker`.
    workers: int = field(default_factory=lambda: os.cpu_count() or 1, metadata=env("INGEST_WORKERS", int))
    # The mapper (ingest/mapper/). A label run into other words (a web page's text) is compared
    # over lengths this many characters either side of the template label's; labels joined from
    # more characters than this are not a row label.
    label_length_slack: int = 2
    max_label_chars: int = 90
    # A label is a section heading when it matches one this much (and is at most this long, unless
    # the heading begins it).
    heading_match_ratio: float = 0.8
    max_heading_chars: int = 40
    # Rows proposed for the labels before a run of values, best first.
    label_candidates: int = 3
    # A row label matched this well is exact; ahead of the next-best row by this much, fuzzy.
    label_exact_ratio: float = 0.97
    label_clear_margin: float = 0.15
    # Under a section's heading, a row of another section scores this share of its match.
    other_section_weight: float = 0.5
    # A row printed without a label (section 四) is fully evidenced by this many of its headers,
    # each found in or matching a printed label this much.
    header_evidence_labels: int = 3
    header_match_ratio: float = 0.8
    # A proposed row's score grows by this share per value printed (more values read, surer row).
    printed_value_bonus: float = 0.05
    # Factor on a value its column cannot hold: a fraction in a whole-number column, a negative count.
    conf_implausible_value: float = 0.5
    # Factor on conf_ambiguous_alignment for a cell of a run that cuts fill differently (or a guess).
    run_unsure_factor: float = 0.8
    # A document prints its tables as runs of digits (a web page's text) with this many runs with
    # leading zeros, or this many runs with leading zeros or glued to the next numbered label.
    runs_style_min_zeros: int = 2
    runs_style_min_runs: int = 3
    # A table prints only its 总计 column when this many rows (and most) hold one lone value.
    totals_only_min_rows: int = 15
    # A row of this many columns whose one number has as many digits as cells is cells run together.
    run_min_columns: int = 5
    # Runs of digits: cuts looked at for each cut weighed (`max_run_cuts`).
    run_cuts_scan_factor: int = 100
    # What a cut of a whole table costs: a relation broken; voided by a blank read (as much, else
    # blanks would be a way out of every relation); a blank read elsewhere than a row's last cell.
    cut_cost_broken: int = 4
    cut_cost_voided: int = 4
    cut_cost_blank_not_last: int = 1
    # The prose quotes a row's number when the row's label stands at most this many characters
    # before it; a row's cut is the one of which this many numbers (past single digits) are quoted.
    prose_label_window: int = 16
    prose_min_quotes: int = 2
    # A web page carries the report itself when it names this many of the templates' page markers.
    html_min_report_markers: int = 3


def load_settings(**overrides: object) -> Settings:
    """Settings from defaults, `INGEST_*` environment variables, then explicit (non-None) overrides."""
    return load(Settings, overrides)
