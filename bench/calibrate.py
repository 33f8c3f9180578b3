"""Fit the calibrated confidence (ingest/calibration.json) on a generated corpus.

    python -m bench.calibrate [--seed 11] [--n 40] [--text-n 600] [--scan-n 8] [--corpus DIR] [--jobs N]
                              [--also-count MODEL [--every-class]]

Converts every document with the real pipeline, counts right and all cells per evidence
class (ingest/evidence.py), and agencies, years and templates per theirs
(ingest/field_evidence.py), and sets each review threshold to the lowest review rate with no
silent error on this corpus. Report on another seed: `python -m bench --seed 12 …`. The counts
add up: `--also-count ingest/calibration.json --every-class` adds a corpus's documents to the
stored fit (its thresholds stay the least).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from bench.__main__ import SCAN_FORMATS, Run, run_corpus
from bench.corpus import generate_corpus, load_corpus, parse_formats
from ingest.calibration import MODEL_PATH, CalibrationModel, Counts, count, fit, save, zero_silent_threshold
from ingest.evidence import FEATURES, Evidence
from ingest.field_evidence import FieldEvidence
from ingest.settings import Settings

# Whatever the corpus shows, a cell less likely than this to be right is looked at: a few
# dozen wrong cells in the fit corpus cannot place the threshold alone. 0.9 let a weak
# placement the fit had seen 6 times right (shrunk from its claim to 0.92) through: 2 silent
# errors on seed 23.
MIN_REVIEW_THRESHOLD = 0.95
# The classes of OCR'd cells (ingest/evidence.py: the reading's source first).
_OCR_CLASS = "ocr|"
# The formats fitted by default: every format but turned pages and browser scans, which are
# measured apart (issue 17). Fax-like pages are scanned PDFs to the reader: fitted with them
# (seed 11, 8 faxes: the threshold stayed 0.95; fresh seed 871's scans' largest gaps 0.4-3.9 ->
# 0.2-0.9 points). Browser prints are text PDFs to the reader and the only ones placing cells
# at a row's edge: without them pdf_text's edge blanks borrowed text's share (seed 2207: 89 %
# claimed, 55 of 55 right). Photos and fax TIFFs are images to the reader (without the faxes, a
# fax's blank cells beside a row label matched weakly had 7 cells counted: fresh seed 1717's 31
# such cells, all right, were given 0.83).
FIT_FORMATS = ("text", "docx", "doc", "html", "pdf_text", "browser_pdf", "pdf_scanned", "image", "fax", "fax_tiff",
               "photo")


@dataclass
class Samples:
    """What the fit counts: each cell's evidence and whether it was right; the same of each
    report's agency, year and template."""

    cells: list[tuple[Evidence, bool]] = field(default_factory=list)
    fields: list[tuple[FieldEvidence, bool]] = field(default_factory=list)
    # Cells the pipeline flagged whatever their confidence (a rule's note: a printed cell that
    # fills two rows): counted, but no threshold need flag them.
    flagged_cells: list[tuple[Evidence, bool]] = field(default_factory=list)


def samples_of_runs(runs: list[Run]) -> Samples:
    """The samples of documents converted and scored with the default settings (an error JSON
    gives none)."""
    threshold = Settings().review.cell_threshold
    out = Samples()
    for r in runs:
        for c in r.score.cells:
            if c.evidence:
                flagged = c.review and c.confidence is not None and c.confidence >= threshold
                (out.flagged_cells if flagged else out.cells).append((Evidence.parse(c.evidence), c.right))
        meta = r.result.get("report") or {}
        right = {"agency": r.score.agency_right, "year": r.score.year_right, "template": r.score.template_right}
        for name, ok in right.items():
            key = meta.get(f"{name}_evidence")
            if r.score.error is None and key:
                out.fields.append((FieldEvidence.parse(key), ok))
    return out


def _added(counts: Counts, more: Counts, prefix: str = "") -> Counts:
    """`counts` with `more`'s classes (those whose key starts with `prefix`) added to them."""
    out = dict(counts)
    for key, (right, seen) in more.items():
        if key.startswith(prefix):
            before = out.get(key, (0, 0))
            out[key] = (before[0] + right, before[1] + seen)
    return out


def fitted(samples: Samples, fitted_on: dict[str, object], settings: Settings | None = None,
           also: CalibrationModel | None = None, every_class: bool = False) -> CalibrationModel:
    """The model with its thresholds: every wrong cell the pipeline does not flag anyway falls
    below the cells' one, every wrong agency, year or template below theirs. `also`: an earlier
    fit whose scanned cells' classes (`every_class`: all its classes, agency, year and template's
    too, its thresholds the least these may be) are added to this one's."""
    s = settings or Settings()
    every_cell = samples.cells + samples.flagged_cells
    model = fit(every_cell)
    field_counts = count((e.classes(), right) for e, right in samples.fields)
    floor = field_floor = MIN_REVIEW_THRESHOLD
    if also:
        model = replace(model, counts=_added(model.counts, also.counts, "" if every_class else _OCR_CLASS))
    if also and every_class:
        # The earlier fit's wrong cells are not among these samples: its thresholds flagged them.
        field_counts = _added(field_counts, also.field_counts)
        floor, field_floor = max(floor, also.review_threshold), max(field_floor, also.field_review_threshold)
    # Cells flagged whatever their confidence (Evidence.must_review) cannot be silent: they do
    # not place the threshold.
    scored = [(model.probability(e), right) for e, right in samples.cells if not e.must_review()]
    cells = Counter(e.format for e, _ in every_cell)
    threshold = zero_silent_threshold(scored, floor)
    by_field = replace(model, field_counts=field_counts)
    scored_fields = [(by_field.field_probability(e, e.claimed(s)), right)
                     for e, right in samples.fields if not e.must_review()]
    return replace(by_field, review_threshold=threshold,
                   field_review_threshold=zero_silent_threshold(scored_fields, field_floor),
                   fitted_on={**fitted_on, "cells": dict(cells), "wrong": sum(not r for _, r in every_cell),
                              "reports": len(samples.fields) // 3,
                              "fields_wrong": sum(not r for _, r in samples.fields)})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.calibrate", description=__doc__.splitlines()[0])
    parser.add_argument("--formats", type=parse_formats, default=list(FIT_FORMATS))
    parser.add_argument("--n", type=int, default=40, help="documents per format that carries text")
    parser.add_argument("--text-n", type=int, default=600,
                        help="text documents (fast, and where placement is uncertain: most low-confidence classes)")
    parser.add_argument("--scan-n", type=int, default=8, help="documents per scan format (about 2 s a page)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--corpus", type=Path, help="fit on this corpus (documents/ + truth/) instead")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--also-count", type=Path,
                        help="an earlier model whose scanned cells' classes (ocr|...) are counted too: a fit's few "
                             "scans a format leave those classes thin")
    parser.add_argument("--every-class", action="store_true",
                        help="with --also-count: all the earlier model's classes are counted, its thresholds kept "
                             "as the least (more documents added to a fit: the counts add up)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="calibrate-") as tmp:
        if args.corpus:
            items = [i for i in load_corpus(args.corpus) if i.format in args.formats]
            # Generated truths carry seed * 1_000_000 + index.
            seeds = sorted({int(i.raw_truth()["seed"]) // 1_000_000 for i in items})
            fitted_on: dict[str, object] = {"corpus": args.corpus.name, "seeds": seeds,
                                            "documents": dict(Counter(i.format for i in items))}
        else:
            items = []
            for fmt in args.formats:
                n = args.scan_n if fmt in SCAN_FORMATS else args.text_n if fmt == "text" else args.n
                items += generate_corpus(Path(tmp), [fmt], n, args.seed)
            fitted_on = {"seeds": [args.seed], "n": args.n, "text_n": args.text_n, "scan_n": args.scan_n}
        samples = samples_of_runs(run_corpus(items, args.jobs, baseline=False))
    also = None
    if args.also_count:
        also = CalibrationModel.from_json(json.loads(args.also_count.read_text(encoding="utf-8")))
        fitted_on["also_counted"] = {"every class of" if args.every_class else "scanned cells of": also.fitted_on}
    model = fitted(samples, fitted_on, also=also, every_class=args.every_class)
    save(model, args.out)
    cells = sum(model.fitted_on["cells"].values())
    print(f"{cells} cells of {len(items)} documents, {model.fitted_on['wrong']} wrong; "
          f"review threshold {model.review_threshold}; agency/year/template: {len(samples.fields)} fields, "
          f"{model.fitted_on['fields_wrong']} wrong, review threshold {model.field_review_threshold}; "
          f"written to {args.out}")
    for key, (right, cells) in sorted(model.counts.items(), key=lambda kv: kv[1][0] / kv[1][1]):
        if key.count("|") == len(FEATURES) - 2:
            print(f"  {right / cells:8.4f} {cells:>7}  {key}")
    for key, (right, cells) in sorted(model.field_counts.items(), key=lambda kv: kv[1][0] / kv[1][1]):
        if key.count("|") == 3:
            print(f"  {right / cells:8.4f} {cells:>7}  {key}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
