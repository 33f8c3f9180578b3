"""Fit the calibrated confidence (ingest/calibration.json) on a generated corpus.

    python -m bench.calibrate [--seed 11] [--n 40] [--text-n 600] [--scan-n 8] [--corpus DIR] [--jobs N]

Converts every document with the real pipeline, counts right and all cells per evidence
class (ingest/evidence.py), and sets the review threshold to the lowest review rate with no
silent error on this corpus. Report on another seed: `python -m bench --seed 12 …`.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections import Counter
from pathlib import Path

from bench.__main__ import SCAN_FORMATS, run_corpus
from bench.corpus import FORMATS, CorpusItem, generate_corpus, load_corpus, parse_formats
from ingest.calibration import MODEL_PATH, CalibrationModel, fit, save, zero_silent_threshold
from ingest.evidence import FEATURES, Evidence

# Whatever the corpus shows, a cell less likely than this to be right is looked at: a few
# dozen wrong cells in the fit corpus cannot place the threshold alone. 0.9 let a weak
# placement the fit had seen 6 times right (shrunk from its claim to 0.92) through: 2 silent
# errors on seed 23.
MIN_REVIEW_THRESHOLD = 0.95


def samples_of(items: list[CorpusItem], jobs: int) -> list[tuple[Evidence, bool]]:
    """(evidence, right) of every cell the pipeline gave evidence for."""
    runs = run_corpus(items, jobs, baseline=False)
    return [(Evidence.parse(c.evidence), c.right) for r in runs for c in r.score.cells if c.evidence]


def fitted(samples: list[tuple[Evidence, bool]], fitted_on: dict[str, object]) -> CalibrationModel:
    """The model with its threshold: every wrong cell the pipeline does not flag anyway falls below it."""
    model = fit(samples)
    # Cells flagged whatever their confidence (Evidence.must_review) cannot be silent: they do
    # not place the threshold.
    scored = [(model.probability(e), right) for e, right in samples if not e.must_review()]
    cells = Counter(e.format for e, _ in samples)
    threshold = zero_silent_threshold(scored, MIN_REVIEW_THRESHOLD)
    return CalibrationModel(model.counts, model.smoothing, threshold,
                            {**fitted_on, "cells": dict(cells), "wrong": sum(not r for _, r in samples)})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.calibrate", description=__doc__.splitlines()[0])
    parser.add_argument("--formats", type=parse_formats, default=list(FORMATS))
    parser.add_argument("--n", type=int, default=40, help="documents per format that carries text")
    parser.add_argument("--text-n", type=int, default=600,
                        help="text documents (fast, and where placement is uncertain: most low-confidence classes)")
    parser.add_argument("--scan-n", type=int, default=8, help="documents per scan format (about 2 s a page)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--corpus", type=Path, help="fit on this corpus (documents/ + truth/) instead")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="calibrate-") as tmp:
        if args.corpus:
            items = [i for i in load_corpus(args.corpus) if i.format in args.formats]
            # Generated truths carry seed * 1_000_000 + index.
            seeds = sorted({int(i.raw_truth()["seed"]) // 1_000_000 for i in items})
            fitted_on: dict[str, object] = {"corpus": args.corpus.name, "seeds": seeds}
        else:
            items = []
            for fmt in args.formats:
                n = args.scan_n if fmt in SCAN_FORMATS else args.text_n if fmt == "text" else args.n
                items += generate_corpus(Path(tmp), [fmt], n, args.seed)
            fitted_on = {"seeds": [args.seed], "n": args.n, "text_n": args.text_n, "scan_n": args.scan_n}
        samples = samples_of(items, args.jobs)
    model = fitted(samples, fitted_on)
    save(model, args.out)
    print(f"{len(samples)} cells of {len(items)} documents, {model.fitted_on['wrong']} wrong; "
          f"review threshold {model.review_threshold}; written to {args.out}")
    for key, (right, cells) in sorted(model.counts.items(), key=lambda kv: kv[1][0] / kv[1][1]):
        if key.count("|") == len(FEATURES) - 2:
            print(f"  {right / cells:8.4f} {cells:>7}  {key}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
