"""Every tunable of the pipeline in one object, built by a function (never at import).

`Settings` holds groups (`limits`, `tools`, `scan`, `ocr`, `readers`, `meta`, `mapper`, `confidence`,
`cuts`, `review`), each read by one part of the pipeline, and the few fields that belong to none.
`load_settings` (and the service's `load_service_settings`) go through one loader, `load`: defaults, then
the environment variables named in the fields' metadata (`env`), then explicit overrides (the command
line's; a group's overrides as a mapping of its fields: `load_settings(ocr={"engine": "tesseract"})`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
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
    """`cls` from its defaults, then its fields' environment variables, then `overrides` (None: not given;
    a group's: a mapping of its own overrides)."""
    values: dict[str, object] = {}
    groups: dict[str, object] = {}
    for f in fields(cls):
        if is_dataclass(f.default_factory):  # a group of settings, loaded as the top level is
            given = overrides.get(f.name)
            if given is not None and not isinstance(given, Mapping):
                raise TypeError(f"{f.name}: overrides of a settings group are a mapping, not {given!r}")
            groups[f.name] = load(f.default_factory, given or {})
            continue
        variable = f.metadata.get("env")
        raw = os.environ.get(variable) if variable else None
        if raw is None or (raw == "" and not f.metadata["empty_counts"]):
            continue
        try:
            values[f.name] = f.metadata["parse"](raw)
        except ValueError as exc:
            raise ValueError(f"{variable}={raw!r}: {exc}") from None
    values.update({key: value for key, value in overrides.items() if value is not None and key not in groups})
    return cls(**required, **values, **groups)


@dataclass(frozen=True)
class Limits:
    """Inputs beyond these are refused (or, for a table, skipped) with a clear error, before they cost much."""

    # Inputs larger than this are refused before reading.
    file_bytes: int = 100 * 1024 * 1024
    # Text (and HTML) larger than this is refused: no real report comes near it.
    text_chars: int = 5_000_000
    # HTML larger than this is refused before parsing (pages with inline images stay far below).
    html_bytes: int = 20 * 1024 * 1024
    # A Word (ZIP) file is refused when its parts declare more than this uncompressed in all,
    # or when one part inflates more than `zip_ratio` times (a ZIP bomb).
    unzipped_bytes: int = 300 * 1024 * 1024
    zip_ratio: float = 200.0
    # A Word or HTML table whose spans cover more grid positions than this is skipped
    # (report tables have a few hundred; this bounds the memory a hostile span can take).
    table_cells: int = 200_000
    # PDFs with more pages are refused (reports have a few dozen at most).
    pdf_pages: int = 500
    # Images (or rendered pages) with more pixels than this are refused before decoding.
    scan_pixels: int = 80_000_000
    # Scans with more pages, and pages with more table cells, are refused.
    scan_pages: int = 60
    scan_cells: int = 3000


@dataclass(frozen=True)
class ToolSettings:
    """External programs: each run is killed after its time-out."""

    # LibreOffice conversions (legacy .doc/.wps), in seconds.
    soffice_timeout: float = 120.0
    # A Tesseract run, in seconds.
    tesseract_timeout: float = 120.0


@dataclass(frozen=True)
class ScanSettings:
    """Scans, images and photos: page images and the converting process (ingest/scan/)."""

    # Scanned PDF pages are rendered at their embedded image's resolution, within these bounds;
    # a 150-dpi scan of an 8-pt table loses its rulings unless rendered larger.
    min_dpi: int = 250
    max_dpi: int = 300
    # A phone photo's page is warped flat to this resolution (or the photo's own, if coarser).
    photo_dpi: int = 250
    # A gray or colour page whose print is taller than this (pixels: the upper quartile of its
    # glyphs' heights, as `tables.raster.text_height`) is read scaled down to it, its short side
    # kept this long at least (an A4 page's width at 200 dpi). Six 300-dpi pages in one scanned
    # PDF: 9 % less CPU, peak 390 -> 357 MB; the 168 scans of seeds 1313, 4949 and 8642: every
    # value the same but one more right.
    reading_text_height: int = 26
    reading_min_side: int = 1654
    # A sheet found on its background whose corners are square within this (degrees) and whose
    # sides run within this of the image's: a flatbed scan of a sheet off-centre on the glass or
    # under a worn lid, read as a scan (the sheet's surround whitened), not flattened as a phone
    # photo (1.3 CPU s a page). Measured: such scans 1.0 and 0.9 at most, phone photos 2.2 and
    # 2.4 at least (seeds 879 and 501).
    glass_corner_deg: float = 1.5
    glass_side_deg: float = 2.0
    # ... and whose corners lie at most this share of the image's side beyond it: a sheet against
    # the glass's edge has a side found a few pixels off the image (seed 1439: 4.8 pixels above
    # it; taken for a photo, its flattening sheared the table and lost its last two rows).
    glass_overshoot: float = 0.005
    # Threads OpenCV uses in a converting process: conversions run one per core, and more
    # threads per conversion only contend for the cores (and cost CPU time in hand-overs).
    threads: int = 1
    # Arrays this large (bytes) or larger get their own memory map, returned to the system when
    # freed, where glibc would keep a freed page image in its heap (0: glibc's own choice).
    # 1 MiB took a 6-page 300-dpi scan's peak from 446 to 397 MB but cost 0.2-0.4 CPU s a page
    # in system time (page arrays mapped and zeroed anew), so it is not the default.
    mmap_threshold: int = field(default=0, metadata=env("INGEST_MMAP_THRESHOLD", int))
    # NumPy asks the kernel for 2 MB pages for its large arrays (madvise); a page's arrays,
    # made and freed step after step, then cost the kernel 2 MB of zeroing each. Off, seed
    # 879's ten images took 1-2 CPU s less system time (of ~27), the same readings.
    huge_pages: bool = False


@dataclass(frozen=True)
class OcrSettings:
    """Reading a value's crop (ingest/scan/ocr/)."""

    # OCR engine ("both" reads every value with Tesseract and RapidOCR, "tesseract" or "rapidocr"
    # alone read it twice with two preprocessings).
    engine: str = field(default="both", metadata=env("INGEST_OCR_ENGINE"))
    # Confidence of an OCR value: two readings agree (scores high / one low), disagree, no ink.
    # Two engines agreeing while one scores low is mostly a lone digit the general recogniser
    # is unsure of; on the benchmark's scans such cells were all right (220 of 220).
    conf_agree: float = 0.995
    conf_agree_low_score: float = 0.97
    conf_disagree: float = 0.3
    conf_blank: float = 0.99
    # A cell with no mark in its ink but marks in its faint ink (lighter than the ink's cut):
    # a digit may be lost there, so it is reviewed (ingest/evidence.py: faint_ink).
    conf_blank_marks: float = 0.5
    # A number read from such marks alone: reviewed unless a sum over other numbers than 0
    # confirms it (ingest/evidence.py: faint_ink); below every other value's confidence.
    conf_light_read: float = 0.25
    # An engine score below this makes a reading unsure.
    min_score: float = 0.6
    # Row labels matched against the templates' (ingest/scan/known_labels.py): a table cell whose
    # first line is at least this many characters wide is first read by its opening characters
    # (this many) and taken for the template row label they name, if they name exactly one,
    # surely (this engine score, this many characters of the label besides its ordinal), and the
    # cell is as wide (within this share of the label's width and these characters); labels
    # between two so taken are told by the row order when as wide. Else a label is read whole.
    label_opening_min_width: float = 9.0
    # A Chinese character's printed width, as a share of its line's ink height (seed 41's labels
    # measured 1.05-1.13, one document's letter-spaced 1.2-1.4).
    label_char_width: float = 1.09
    label_opening_chars: int = 6
    label_opening_min_score: float = 0.9
    label_opening_min_core: int = 3
    label_width_slack: float = 0.25
    label_width_slack_chars: float = 0.5
    # A one-line cell among value cells of its row, at most this many characters wide
    # (label_char_width), is a value cell whatever it reads as (ingest/scan/values_between.py).
    value_between_max_chars: float = 2.5


@dataclass(frozen=True)
class ReaderSettings:
    """What the readers (ingest/readers/) decide a document's pages are."""

    # A PDF page whose text layer is more than this share garbage ((cid:NN), private-use
    # or replacement glyphs) is read as a scanned page.
    pdf_garbage_share: float = 0.3
    # A web page carries the report itself when it names this many of the templates' page markers.
    html_min_report_markers: int = 3


@dataclass(frozen=True)
class MetaConfidence:
    """Agency, year (ingest/meta.py) and template (ingest/template_check.py): the probability a value
    is right given its evidence."""

    # Agency and year: strong evidence (a title, a signature, the statistics period) confirmed by
    # another place, alone, contradicted only by weaker evidence, contradicted by other strong
    # evidence; a value read from the opening's subject (confirmed or not); from a name merely mentioned.
    confirmed: float = 0.99
    single: float = 0.95
    doubted: float = 0.8
    conflict: float = 0.4
    medium_confirmed: float = 0.92
    medium: float = 0.75
    weak: float = 0.5
    # Template: the document prints this many more of its own header words than of any other
    # template's; tied (only the rows told them apart); a 2021 table for a year before 2021.
    template_clear: float = 0.99
    template_tied: float = 0.8
    template_year_mismatch: float = 0.6


@dataclass(frozen=True)
class MapperSettings:
    """The mapper (ingest/mapper/): labels to template rows, values to columns."""

    # A label matches a template label when the similarity reaches this.
    label_match_ratio: float = 0.74
    # A label variant naming a deviation wins only when it matches this much better than the
    # template's own label.
    deviation_margin: float = 0.1
    # A label run into other words (a web page's text) is compared over lengths this many
    # characters either side of the template label's; labels joined from more characters than
    # this are not a row label.
    label_length_slack: int = 2
    max_label_chars: int = 90
    # A label is a section heading when it matches one this much (and is at most this long, unless
    # the heading begins it).
    heading_match_ratio: float = 0.8
    max_heading_chars: int = 40
    # Rows proposed for the labels before a run of values, best first.
    label_candidates: int = 3
    # Placements of a table's short rows (blank cells dropped) tried at most, looking for the
    # one its sums allow (a table's are a few hundred).
    short_row_search_nodes: int = 20_000
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
    # A document prints its tables as runs of digits (a web page's text) with this many runs with
    # leading zeros, or this many runs with leading zeros or glued to the next numbered label.
    runs_style_min_zeros: int = 2
    runs_style_min_runs: int = 3
    # A table prints only its 总计 column when this many rows (and most) hold one lone value.
    totals_only_min_rows: int = 15
    # A table pads its rows after their values when this many full rows (and half) show it.
    padded_rows_min: int = 5
    # A row of this many columns whose one number has as many digits as cells is cells run together.
    run_min_columns: int = 5
    # A section's rows are taken for not printed (a body's table without its 规章 row) only where
    # at least this share of its rows were found: a page cut short before its tables, whose prose
    # names the sections and quotes a number or two (收到政府信息公开申请1件), found two of
    # section 三's 26 rows, and the rest passed for rows the table leaves out.
    rows_not_printed_min_found: float = 0.5


@dataclass(frozen=True)
class CellConfidence:
    """A cell's confidence factors: the probability its value is right given how the mapper found it."""

    exact: float = 0.995
    fuzzy_label: float = 0.97
    weak_label: float = 0.6
    ambiguous_alignment: float = 0.5
    missing_cells: float = 0.3
    # A row the document does not print at all (its section found, neither label nor values).
    row_not_printed: float = 0.95
    # A run of digits told apart from its other cuts only by the numbers the prose quotes.
    prose_cut: float = 0.93
    # Factor on a value its column cannot hold: a fraction in a whole-number column, a negative count.
    implausible_value: float = 0.5
    # Factor on `ambiguous_alignment` for a cell of a run that cuts fill differently (or a guess).
    run_unsure_factor: float = 0.8


@dataclass(frozen=True)
class CutSettings:
    """Runs of digits (cells printed run together) cut into cells (ingest/mapper/cuts.py)."""

    # Cuts of one row weighed at most, and states of the table-wide search.
    max_run_cuts: int = 1000
    max_states: int = 20_000
    # States times cuts tried at one row at most.
    max_step_work: int = 50_000
    # States and pairs a step of the narrow search that bounds what a cut of the whole table may cost.
    bound_states: int = 64
    bound_step_work: int = 5_000
    # Cuts looked at for each cut weighed (`max_run_cuts`).
    scan_factor: int = 100
    # What a cut of a whole table costs: a relation broken; voided by a blank read (as much, else
    # blanks would be a way out of every relation); a blank read elsewhere than a row's last cell.
    cost_broken: int = 4
    cost_voided: int = 4
    cost_blank_not_last: int = 1
    # The prose quotes a row's number when the row's label stands at most this many characters
    # before it; a row's cut is the one of which this many numbers (past single digits) are quoted.
    prose_label_window: int = 16
    prose_min_quotes: int = 2


@dataclass(frozen=True)
class ReviewSettings:
    """What is flagged for a person to look at."""

    # Agency, year and template below this (calibrated) confidence are flagged for review. Default:
    # the lowest review rate with no wrong one unflagged on the benchmark (ingest/calibration.json).
    report_threshold: float = field(default_factory=default_field_review_threshold,
                                    metadata=env("INGEST_REVIEW_THRESHOLD", float))
    # A cell whose calibrated confidence is below this is flagged `review: true`. Default: the
    # lowest review rate with no silent error on the benchmark (ingest/calibration.json).
    cell_threshold: float = field(default_factory=default_review_threshold,
                                  metadata=env("INGEST_CELL_REVIEW_THRESHOLD", float))
    # Findings (ingest/findings/): a contradiction resting on a cell read with less confidence
    # than this may be the reader's, and is left to the cell's review flag; a blank read with
    # less is not reported as blank. Benchmark cells in [0.5, 0.8) were right 18 % of the time.
    findings_min_confidence: float = 0.8


@dataclass(frozen=True)
class Settings:
    layouts_dir: Path = field(default=LAYOUTS_DIR, metadata=env("INGEST_LAYOUTS_DIR", Path))
    # Conversions at once: processes of `ingest run`, work horses of `ingest worker`.
    workers: int = field(default_factory=lambda: os.cpu_count() or 1, metadata=env("INGEST_WORKERS", int))
    limits: Limits = field(default_factory=Limits)
    tools: ToolSettings = field(default_factory=ToolSettings)
    scan: ScanSettings = field(default_factory=ScanSettings)
    ocr: OcrSettings = field(default_factory=OcrSettings)
    readers: ReaderSettings = field(default_factory=ReaderSettings)
    meta: MetaConfidence = field(default_factory=MetaConfidence)
    mapper: MapperSettings = field(default_factory=MapperSettings)
    confidence: CellConfidence = field(default_factory=CellConfidence)
    cuts: CutSettings = field(default_factory=CutSettings)
    review: ReviewSettings = field(default_factory=ReviewSettings)


def load_settings(**overrides: object) -> Settings:
    """Settings from defaults, `INGEST_*` environment variables, then explicit (non-None) overrides
    (a group's as a mapping: `load_settings(limits={"file_bytes": 1000})`)."""
    return load(Settings, overrides)
