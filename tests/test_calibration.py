"""The calibrated confidence: counts per evidence class, shrunk toward what the reader claims."""

from __future__ import annotations

from pathlib import Path

from bench.score import CellScore, calibration, expected_calibration_error, trade_offs
from ingest.calibration import MODEL_PATH, fit, load, save, zero_silent_threshold
from ingest.evidence import Evidence
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
