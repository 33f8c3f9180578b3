"""The benchmark end to end on a few text documents, and its scoring rules."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from tests.bench import __main__ as bench
from tests.bench.corpus import RENDERERS, generate_corpus, load_corpus, renderer_for
from tests.bench.score import calibration, same_value, score_result
from tests.bench.truth import make_truth


def test_benchmark_prints_a_row_per_format(capsys):
    assert bench.main(["--formats", "text", "--n", "6", "--jobs", "2", "--show-errors", "3"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("text "))
    accuracy = float(row.split()[3])
    assert 0 <= accuracy <= 100


def test_benchmark_json_on_a_corpus(tmp_path, capsys):
    generate_corpus(tmp_path, ["text"], 3, seed=5)
    assert bench.main(["--corpus", str(tmp_path), "--json", "--jobs", "1"]) == 0
    out = json.loads(capsys.readouterr().out)
    text = out["groups"][0]
    assert text["group"] == "text" and text["documents"] == 3 and 0 <= text["accuracy_pct"] <= 100
    reliability = out["calibration"]["reliability"]
    assert set(reliability) == {"text", "all"} and len(reliability["text"]["bins"]) == 7
    assert sum(b["cells"] for b in reliability["text"]["bins"]) == text["cells"]


def test_corpus_layout(tmp_path):
    items = generate_corpus(tmp_path, ["text"], 2, seed=3)
    assert [i.document.parent for i in items] == [tmp_path / "documents"] * 2
    loaded = load_corpus(tmp_path)
    assert [(i.document, i.variant) for i in loaded] == [(i.document, i.variant) for i in items]
    assert all(i.variant and re.fullmatch(r"[a-z_]+", i.variant) for i in loaded)
    assert loaded[0].truth().cells == make_truth(3_000_000).cells


def test_missing_renderer_module_is_named(monkeypatch):
    monkeypatch.setitem(RENDERERS, "fake", ("tests.bench.no_such_renderer", "render"))
    with pytest.raises(RuntimeError, match="no_such_renderer"):
        renderer_for("fake")


def test_scoring_rules():
    truth = make_truth(7, template="2021")
    key = "s2.fees.amount"
    truth.cells[key] = Decimal("1.5")
    truth.cells["s3.new.research"] = None
    cells = {k: {"value": v if not isinstance(v, Decimal) else float(v), "confidence": 0.99, "review": False}
             for k, v in truth.cells.items()}
    cells["s3.new.total"] = {"value": -1, "confidence": 0.97, "review": False}
    cells["s3.new.enterprise"] = {"value": -1, "confidence": 0.3, "review": True}
    result = {"source": {"file": "x.txt", "pages": None}, "template": "2021",
              "report": {"agency": " ".join(truth.agency), "year": truth.year}, "cells": cells}
    doc = score_result(result, truth)
    wrong = {c.key: c for c in doc.cells if not c.right}
    assert set(wrong) == {"s3.new.total", "s3.new.enterprise"}
    assert wrong["s3.new.total"].silent and not wrong["s3.new.enterprise"].silent
    assert doc.template_right and doc.agency_right and doc.year_right and doc.pages == 1
    bins = calibration(doc.cells)
    assert sum(b.cells for b in bins) == len(truth.cells)
    assert bins[0].cells == 1 and bins[0].right == 0

    error = score_result({"source": {"file": "x.txt"}, "error": {"code": "not_a_report"}}, truth)
    assert error.error == "not_a_report" and not any(c.right or c.silent for c in error.cells)


def test_same_value():
    assert same_value(None, None) and not same_value(0, None) and not same_value(None, 0)
    assert same_value(Decimal("0.0"), 0) and same_value(Decimal("12.5"), 12.5) and not same_value(1, True)
