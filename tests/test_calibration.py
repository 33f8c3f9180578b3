"""The calibrated confidence of cells and of agency, year and template: counts per evidence
class, shrunk toward what the reader claims; the stored model checked on a seed it never saw."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from bench.__main__ import run_corpus
from bench.calibrate import MIN_REVIEW_THRESHOLD, Samples, fitted
from bench.corpus import generate_corpus
from bench.reliability import field_scores, reliability
from bench.score import CellScore, calibration, expected_calibration_error, trade_offs
from ingest.calibration import MODEL_PATH, CalibrationModel, fit, load, save, zero_silent_threshold
from ingest.checks import evaluate
from ingest.contract import SCHEMA, cell_to_dict, report_from_dict
from ingest.evidence import Evidence, relation_status
from ingest.field_evidence import FieldEvidence
from ingest.layouts import Relation
from ingest.models import CellReading
from ingest.settings import Settings

AGREED = Evidence("pdf_scanned", "ocr", "agree", "exact", "value", "held")
DISAGREED = Evidence("pdf_scanned", "ocr", "disagree", "exact", "value", "unchecked")


def test_a_class_seen_often_gets_its_share_right_and_a_rare_one_stays_near_its_claim() -> None:
    samples = [(AGREED, True)] * 990 + [(AGREED, False)] * 10 + [(DISAGREED, True)] * 3
    model = fit(samples)
    assert abs(model.probability(AGREED) - 0.99) < 0.001
    # Three disagreements that happened to be right do not make a disagreement trustworthy.
    assert model.probability(DISAGREED) < 0.9
    unseen = Evidence("image", "ocr", "agree_low", "weak", "value", "suspect")
    assert model.probability(unseen) == unseen.claimed()


def test_the_threshold_flags_every_wrong_cell_and_never_sits_below_its_floor() -> None:
    assert zero_silent_threshold([(0.2, False), (0.95, False), (0.99, True)], 0.9) > 0.95
    assert zero_silent_threshold([(0.2, False), (0.99, True)], 0.9) == 0.9


def test_an_earlier_fits_scanned_cells_are_counted_too_and_no_other_class() -> None:
    # A fit's dozen scans a format leave OCR classes thin: an earlier fit's scanned cells count too.
    text = Evidence("text", "exact", "exact", "ambiguous", "value", "held")
    earlier = fit([(AGREED, True)] * 900 + [(text, False)] * 50)
    model = fitted(Samples(cells=[(AGREED, True)] * 10 + [(text, True)] * 10), {}, also=earlier)
    assert [model.counts[k] for k in AGREED.classes()] == [(910, 910)] * 2
    assert [model.counts[k] for k in text.classes()] == [(10, 10)] * 2


def test_a_wrong_cell_a_rule_flags_whatever_its_confidence_is_counted_but_places_no_threshold() -> None:
    model = fitted(Samples(cells=[(AGREED, True)] * 1000, flagged_cells=[(AGREED, False)]), {})
    assert model.counts[AGREED.classes()[-1]] == (1000, 1001)
    assert model.review_threshold == MIN_REVIEW_THRESHOLD
    placing = fitted(Samples(cells=[(AGREED, True)] * 1000 + [(AGREED, False)]), {})
    assert placing.review_threshold > placing.probability(AGREED)


def test_documents_added_to_a_fit_add_to_every_class_and_never_lower_its_thresholds() -> None:
    text = Evidence("text", "exact", "exact", "ambiguous", "value", "held")
    earlier = replace(fitted(Samples(cells=[(text, True)] * 40, fields=[(TITLE, True)] * 20), {}),
                      review_threshold=0.97, field_review_threshold=0.96)
    model = fitted(Samples(cells=[(AGREED, True)] * 10, fields=[(OPENING, True)] * 3), {}, also=earlier,
                   every_class=True)
    assert [model.counts[k] for k in text.classes()] == [(40, 40)] * 2
    assert [model.counts[k] for k in AGREED.classes()] == [(10, 10)] * 2
    assert model.field_counts[TITLE.classes()[-1]] == (20, 20) and model.field_counts[OPENING.classes()[-1]] == (3, 3)
    assert (model.review_threshold, model.field_review_threshold) == (0.97, 0.96)


def test_the_model_round_trips_and_sets_the_default_threshold(tmp_path: Path) -> None:
    model = fit([(AGREED, True)] * 5)
    save(model, tmp_path / "model.json")
    assert load(tmp_path / "model.json") == model
    stored = load(MODEL_PATH)
    assert stored is not None and Settings().review.cell_threshold == stored.review_threshold


def test_evidence_survives_its_class_key() -> None:
    assert Evidence.parse(DISAGREED.classes()[1]) == DISAGREED


def test_reliability_bins_and_trade_off() -> None:
    cells = [CellScore("k", 1, 1, 0.9995, False, True)] * 99 + [CellScore("k", 1, 2, 0.6, True, False)]
    bins = {b.low: b for b in calibration(cells)}
    assert bins[0.999].cells == 99 and bins[0.999].share_right == 1.0
    assert bins[0.5].cells == 1 and bins[0.5].share_right == 0.0
    ece = expected_calibration_error(list(bins.values()))
    assert ece is not None and abs(ece - (99 * 0.0005 + 0.6) / 100) < 1e-9
    low, high = trade_offs(cells, [0.5, 0.9], 0.9)
    assert (low.review_pct, low.silent_errors) == (0.0, 1)
    assert (high.review_pct, high.silent_errors) == (1.0, 0)


TITLE = FieldEvidence.of("agency", "title", "confirmed", "docx")
OPENING = FieldEvidence.of("agency", "opening", "medium", "docx")


def test_agency_year_and_template_get_their_share_right_and_a_threshold_that_flags_every_wrong_one() -> None:
    settings = Settings()
    samples = Samples(fields=[(TITLE, True)] * 300 + [(OPENING, True)] * 6 + [(OPENING, False)] * 4)
    model = fitted(samples, {})
    assert model.field_probability(TITLE, TITLE.claimed(settings)) > 0.98
    opening = model.field_probability(OPENING, OPENING.claimed(settings))
    assert opening < 0.75 and model.field_review_threshold > opening
    assert model.field_review_threshold == MIN_REVIEW_THRESHOLD  # nothing wrong above the floor
    # The same status read by OCR, never seen: its coarser class (agency|confirmed) stands in.
    ocr = FieldEvidence.of("agency", "title", "confirmed", "image")
    assert ocr.kind == "ocr" and model.field_probability(ocr, ocr.claimed(settings)) > 0.95
    assert FieldEvidence.parse(OPENING.classes()[-1]) == OPENING
    # A wrong agency the evidence called sure places the threshold above it.
    sure_but_wrong = fitted(Samples(fields=[(TITLE, True)] * 50 + [(TITLE, False)]), {})
    assert sure_but_wrong.field_review_threshold > sure_but_wrong.field_probability(TITLE, TITLE.claimed(settings))
    round_trip = CalibrationModel.from_json(json.loads(json.dumps(model.to_json())))
    assert round_trip == model


def test_a_name_or_year_read_by_ocr_in_one_place_alone_is_looked_at() -> None:
    # One misread character (东方红镇 as 东万红镇) and nothing to tell it: whatever the fit says.
    assert FieldEvidence.of("agency", "signature", "single", "pdf_scanned").must_review()
    assert FieldEvidence.of("year", "title", "single", "image").must_review()
    assert not FieldEvidence.of("agency", "signature", "single", "docx").must_review()
    assert not FieldEvidence.of("agency", "title", "confirmed", "pdf_scanned").must_review()


def test_the_stored_model_sets_the_fields_threshold() -> None:
    stored = load(MODEL_PATH)
    assert stored is not None and stored.field_counts
    assert Settings().review.report_threshold == stored.field_review_threshold


def test_a_cell_not_found_stays_not_found_through_the_json() -> None:
    missing = CellReading(None, None, 0.987, review=True, notes=["not found in the document"], found=False)
    back = report_from_dict({"schema": SCHEMA, "source": {"file": "x"}, "cells": {"k": cell_to_dict(missing)}})
    assert back.cells["k"].found is False and back.cells["k"].confidence == 0.987
    # A result written before `found` was stored: null at confidence 0.
    legacy = report_from_dict({"schema": SCHEMA, "source": {"file": "x"},
                               "cells": {"k": {"value": None, "text": None, "confidence": 0.0, "review": True},
                                         "b": {"value": None, "text": "", "confidence": 0.99, "review": False}}})
    assert not legacy.cells["k"].found and legacy.cells["b"].found


def test_the_stored_model_is_calibrated_on_reports_it_was_not_fitted_on(tmp_path: Path) -> None:
    """A small corpus of a seed the fit never saw (fit on seed 11): cells and report fields
    read with the stored model are within 5 points of their share right in every bin of
    ≥ 30 cells, no wrong cell or field goes unflagged, and a cell not found carries the
    calibrated confidence of its class, flagged."""
    items = generate_corpus(tmp_path, ["text", "docx", "html"], 4, seed=71)
    runs = run_corpus(items, 2, baseline=False)
    cells = [c for r in runs for c in r.score.cells]
    assert cells and not [c for c in cells if c.silent]
    assert reliability(cells)["max_gap_pct"] <= 5
    fields = field_scores([(r.result, r.score) for r in runs])
    assert not [s for scores in fields.values() for s in scores if s.silent]
    model = load(MODEL_PATH)
    assert model is not None
    for r in runs:
        meta = r.result["report"]
        for name in ("agency", "year", "template"):
            evidence = FieldEvidence.parse(meta[f"{name}_evidence"])
            expected = round(model.field_probability(evidence, evidence.claimed(Settings())), 4)
            assert meta[f"{name}_confidence"] == expected
        for cell in r.result["cells"].values():
            if cell.get("found") is False:
                calibrated = round(model.probability(Evidence.parse(cell["evidence"])), 4)
                assert cell["review"] and cell["confidence"] == calibrated


def test_a_number_beside_a_sum_printed_blank_is_told_apart_from_one_no_relation_reaches() -> None:
    """A scan's faint 总计 read blank beside parts read 10 and 2 (seed 3301, image 2: both
    parts wrong, both engines agreeing): the relation does not apply, yet the part is not as
    unchecked as a cell no relation names."""
    cells = {"t": CellReading(None, None, 0.99), "a": CellReading(10, "10", 0.99), "b": CellReading(2, "2", 0.99),
             "lone": CellReading(5, "5", 0.99)}
    checks = [evaluate(Relation("sum", ("t",), ("a", "b")), cells)]
    assert not checks[0].applies
    assert relation_status("a", cells["a"], checks, cells) == "beside_blank_sum"
    assert relation_status("t", cells["t"], checks, cells) == "blank_sum"
    assert relation_status("lone", cells["lone"], checks, cells) == "unchecked"
