"""The benchmark end to end on a few text documents, and its scoring rules."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from typing import Any

import pytest

from bench import __main__ as bench
from bench import cli_run
from bench import corpus as corpus_module
from bench.cli_run import run_cost
from bench.conversions import convert_timed
from bench.corpus import FACES, RENDERERS, generate_corpus, load_corpus, missing_faces, parse_styles, renderer_for
from bench.render_browser import CHROMIUM
from bench.score import calibration, same_value, score_result
from bench.truth import ReportTruth, make_truth


def test_benchmark_prints_a_row_per_format(capsys):
    assert bench.main(["--formats", "text", "--n", "6", "--jobs", "2", "--show-errors", "3"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("text "))
    accuracy = float(row.split()[3])
    assert 0 <= accuracy <= 100
    # Six documents in the line styles, two web pages: the line styles also counted together.
    assert re.search(r"^  text/line styles +6 ", out, re.M) and re.search(r"^  text/webpage +2 ", out, re.M)


def test_benchmark_json_on_a_corpus(tmp_path, capsys):
    generate_corpus(tmp_path, ["text"], 3, seed=5)
    assert bench.main(["--corpus", str(tmp_path), "--json", "--jobs", "1"]) == 0
    out = json.loads(capsys.readouterr().out)
    text = out["groups"][0]
    # Three in the five line styles, one web page.
    assert text["group"] == "text" and text["documents"] == 4 and 0 <= text["accuracy_pct"] <= 100
    assert {"agency_silent", "year_silent", "ambiguous", "ambiguous_unflagged"} <= set(text)
    reliability = out["calibration"]["reliability"]
    assert set(reliability) == {"text", "all"} and len(reliability["text"]["bins"]) == 7
    assert sum(b["cells"] for b in reliability["text"]["bins"]) == text["cells"]
    # Agency, year and template: one score each per converted report.
    fields = out["field_calibration"]["reliability"]
    assert set(fields) == {"agency", "year", "template", "all"}
    assert all(sum(b["cells"] for b in fields[name]["bins"]) == 4 for name in ("agency", "year", "template"))
    assert 0 <= text["fields_review_pct"] <= 100 and text["template_silent"] == 0
    assert out["forms"] and set(out["longest_runs"]) == {"s2", "s3", "s4"}


def test_benchmark_web_pages_alone(capsys):
    assert bench.main(["--formats", "text", "--styles", "webpage", "--n", "2", "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^  text/webpage +2 ", out, re.M) and "by form" in out and "longest glued digit runs" in out


def test_corpus_layout(tmp_path):
    items = generate_corpus(tmp_path, ["text"], 2, seed=3)
    assert [i.document.parent for i in items] == [tmp_path / "documents"] * 3
    loaded = load_corpus(tmp_path)
    assert [(i.document, i.variant) for i in loaded] == [(i.document, i.variant) for i in items]
    assert all(i.variant and re.fullmatch(r"[a-z_]+", i.variant) for i in loaded)
    assert loaded[0].truth().cells == make_truth(3_000_000).cells
    # The line styles keep their draws; the web pages come after them, on truths of their own.
    assert [i.variant == "webpage" for i in items] == [False, False, True]
    assert items[2].document.name == "3-0002-text.webpage.txt"


def test_corpus_of_chosen_styles(tmp_path):
    items = generate_corpus(tmp_path, ["text"], 3, seed=4, styles=["webpage", "pipe"])
    assert len(items) == 3 and {i.variant for i in items} <= {"webpage", "pipe"}
    with pytest.raises(argparse.ArgumentTypeError, match="known: tab_rows"):
        parse_styles("webpage,nope")


def test_missing_renderer_module_is_named(monkeypatch):
    monkeypatch.setitem(RENDERERS, "fake", ("bench.no_such_renderer", "render"))
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


def _result(truth: ReportTruth, **report: object) -> dict[str, Any]:
    cells = {k: {"value": v if not isinstance(v, Decimal) else float(v), "confidence": 0.99, "review": False}
             for k, v in truth.cells.items()}
    return {"source": {"file": "x.txt"}, "template": truth.template, "cells": cells,
            "report": {"agency": truth.agency, "year": truth.year} | report, "review": {"needed": False, "cells": []}}


def test_ambiguous_keys_are_not_scored_but_must_be_flagged() -> None:
    truth = make_truth(8, template="2021")
    truth.ambiguous = ["s2.normative_docs.issued", "s2.normative_docs.repealed"]
    result = _result(truth)
    result["cells"]["s2.normative_docs.issued"]["value"] = -5  # wrong, but ambiguous: not scored
    result["cells"]["s2.normative_docs.repealed"]["review"] = True
    doc = score_result(result, truth)
    assert len(doc.cells) == len(truth.cells) - 2 and all(c.right for c in doc.cells)
    assert doc.ambiguous == 2 and doc.ambiguous_unflagged == 1 and doc.ambiguous_not_offered == 1
    result["cells"]["s2.normative_docs.issued"]["candidates"] = [-5, truth.cells["s2.normative_docs.issued"]]
    assert score_result(result, truth).ambiguous_not_offered == 0
    result["review"]["cells"] = ["s2.normative_docs.issued"]  # listed in review.cells counts as flagged
    assert score_result(result, truth).ambiguous_unflagged == 0


def test_agency_and_year_silent_errors() -> None:
    truth = make_truth(9, template="2021")
    truth.agency, truth.agency_aliases = "岳阳经济技术开发区管委会", ["岳阳经济技术开发区管理委员会"]
    for printed in ("岳阳经济技术开发区管理委员会", "岳阳经济技术开发区 管委会", "（岳阳经济技术开发区管委会）"):
        doc = score_result(_result(truth, agency=printed), truth)
        assert doc.agency_right and not doc.agency_silent
    doc = score_result(_result(truth, agency="岳阳市人民政府办公室", year=truth.year + 1), truth)
    assert not doc.agency_right and doc.agency_silent and not doc.year_right and doc.year_silent
    flagged = _result(truth, agency="岳阳市人民政府办公室", year=truth.year + 1)
    flagged["review"] = {"needed": True, "cells": ["report.agency", "report.year"]}
    doc = score_result(flagged, truth)
    assert not doc.agency_right and not doc.agency_silent and not doc.year_silent


def test_same_value():
    assert same_value(None, None) and not same_value(0, None) and not same_value(None, 0)
    assert same_value(Decimal("0.0"), 0) and same_value(Decimal("12.5"), 12.5) and not same_value(1, True)


def test_hand_written_truths_load_and_score() -> None:
    """A truth written by reading a real page (no seed or scale; aliases, ambiguous keys) scores
    like a generated one: the shape of ../shared/real-dev and samples/truth/webpage_*."""
    made = make_truth(12, template="2021")
    raw = {"template": "2021", "agency": "平潭综合实验区", "agency_aliases": ["平潭综合实验区管委会"], "year": 2022,
           "format": "text", "cells": made.to_json()["cells"], "ambiguous": ["s2.fees.amount"]}
    truth = ReportTruth.from_json(raw)
    assert truth.ambiguous == ["s2.fees.amount"] and truth.agency_aliases == ["平潭综合实验区管委会"]
    doc = score_result(_result(truth, agency="平潭综合实验区管委会"), truth)
    assert doc.agency_right and doc.ambiguous == 1 and doc.ambiguous_unflagged == 1
    assert len(doc.cells) == len(truth.cells) - 1 and all(c.right for c in doc.cells)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
def test_a_browser_printed_report_is_read_whole(tmp_path):
    # Another renderer than LibreOffice: its print of a web page (sidebar, Kangxi radicals, tables
    # left open at page breaks) and that print scanned.
    items = generate_corpus(tmp_path, ["browser_pdf", "browser_scan"], 1, seed=733)
    runs = bench.run_corpus(items, 2, baseline=False)
    for run in runs:
        cells = run.score.cells
        assert run.score.error is None and not [c for c in cells if c.silent]
        # A page whose tables print without rules leaves its wrapped labels' rows to the mapper.
        share = 0.9 if "borderless" in run.item.raw_truth()["forms"] else 0.98
        assert sum(c.right for c in cells) >= share * len(cells), run.item.document.name


def test_a_command_cost_counts_its_start_up_and_its_worker(tmp_path):
    item = generate_corpus(tmp_path, ["text"], 1, seed=5)[0]
    cost = run_cost([item.document])
    # The conversion alone, in this process (imports and first-time loads done by a first
    # conversion), and starting the command alone.
    convert_timed(item.document)
    _, _, _, converting = convert_timed(item.document)
    # The least of three starts: one start on a loaded machine cost as much as the whole command.
    starts = [os.wait4(subprocess.Popen([sys.executable, "-c", "import ingest.cli"], cwd=cli_run.ROOT).pid, 0)[2]
              for _ in range(3)]
    starting = min(r.ru_utime + r.ru_stime for r in starts)
    assert cost.cpu_seconds > converting and cost.cpu_seconds > starting
    assert cost.peak_rss_mb > 0


def _aliased(conf: str) -> set[str]:
    return set(re.findall(r"<alias[^>]*><family>([^<]+)</family>", (FACES[conf]).read_text(encoding="utf-8")))


def test_the_other_faces_print_every_face_a_report_names() -> None:
    # Every face the Noto set prints a report's Windows face in is given another face too.
    assert _aliased("noto") <= _aliased("other")
    assert {"宋体", "仿宋_GB2312", "黑体"} <= _aliased("other")


def test_faces_not_installed_are_named(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    conf = tmp_path / "fonts.conf"
    conf.write_text(FACES["noto"].read_text(encoding="utf-8").replace(
        "<prefer><family>Noto Sans CJK SC</family>", "<prefer><family>No Such Face Zz</family>"), encoding="utf-8")
    monkeypatch.setitem(corpus_module.FACES, "test", conf)
    assert missing_faces("test") == ["No Such Face Zz"]
    assert missing_faces("noto") == []
