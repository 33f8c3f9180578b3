"""Text whose layout alone settles where a value goes: no flag on a surely right cell, and the
cells the document truly leaves open still flagged. Each document is made here."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from bench.render_text import Damage, render_text
from bench.score import same_value
from bench.truth import ReportTruth, make_truth
from ingest.output import report_to_dict
from ingest.pipeline import convert_bytes
from ingest.settings import Settings


def _convert(path: Path, settings: Settings) -> dict[str, Any]:
    result = report_to_dict(convert_bytes(path.read_bytes(), path.name, settings))
    assert "error" not in result, result.get("error")
    return result


def _wrong(result: dict[str, Any], truth: ReportTruth) -> list[str]:
    return [k for k, v in truth.cells.items() if not same_value(v, result["cells"][k]["value"])]


def _s3_nothing_received(truth: ReportTruth) -> None:
    """A body that received no request: every cell of section 三 is 0."""
    for key in truth.cells:
        if key.startswith("s3."):
            truth.cells[key] = 0


@pytest.mark.parametrize("template", ["2021", "2019"])
@pytest.mark.parametrize("seed", [3, 8])
def test_a_table_printing_only_its_totals_between_pipe_fillers(tmp_path: Path, settings: Settings,
                                                               template: str, seed: int) -> None:
    # Each row prints its 总计 0 among `|` fillers: the run of blanks before it may end the row
    # above or start this one, but the whole table prints only totals, so the 0 is the 总计;
    # so are the second 2s of the rows printing `2 … 2` (not a 2 in 其他 beside a blank 总计).
    truth = make_truth(seed, template=template)
    _s3_nothing_received(truth)
    for key in truth.cells:
        if key.startswith("s3.") and not key.endswith(".total"):
            truth.cells[key] = None
    for row in ("new", "granted", "total"):
        truth.cells[f"s3.{row}.enterprise"] = truth.cells[f"s3.{row}.total"] = 2
    path = render_text(truth, tmp_path / "r", random.Random(seed), style="pipe", encoding="utf-8",
                       damage=Damage.draw(random.Random(seed)))
    result = _convert(path, settings)
    assert _wrong(result, truth) == []
    assert [k for k, c in result["cells"].items() if k.startswith("s3.") and c["review"]] == []


def test_one_row_printing_a_lone_zero_among_pipe_fillers_stays_flagged(tmp_path: Path, settings: Settings) -> None:
    # The other rows print all their cells: nothing says this row's 0 is its 总计 rather than
    # the cell before it with the 总计 left blank.
    truth = make_truth(3, template="2021")
    _s3_nothing_received(truth)
    for key in truth.cells:
        if key.startswith("s3.carried_over.") and not key.endswith(".total"):
            truth.cells[key] = None
    path = render_text(truth, tmp_path / "r", random.Random(3), style="pipe", encoding="utf-8")
    result = _convert(path, settings)
    assert _wrong(result, truth) == []
    assert result["cells"]["s3.carried_over.total"]["review"]
    assert not result["cells"]["s3.new.total"]["review"]


@pytest.mark.parametrize("style", ["spaces", "pipe", "cell_lines", "webpage"])
def test_a_row_label_printed_with_nothing_after_it_is_a_blank_row(tmp_path: Path, settings: Settings,
                                                                  style: str) -> None:
    # 二、上年结转 and 四、结转下年度 left empty, 政府集中采购 with no purchases: each label is
    # followed straight by the next row's label (or by its empty cells only). (六)'s later rows stay
    # flagged: some tables print (六) as one merged row of values after its first label.
    truth = make_truth(5, template="2019")
    _s3_nothing_received(truth)
    blank_rows = ("s3.carried_over.", "s3.carried_forward.", "s3.denied.security.", "s2.procurement.")
    for key in truth.cells:
        if key.startswith(blank_rows):
            truth.cells[key] = None
    path = render_text(truth, tmp_path / "r", random.Random(5), style=style, encoding="utf-8", damage=Damage())
    result = _convert(path, settings)
    assert _wrong(result, truth) == []
    flagged = [k for k, c in result["cells"].items() if k.startswith(blank_rows) and c["review"]]
    assert flagged == []
    if style in ("pipe", "cell_lines"):
        return  # they print each blank cell (a `|`, an empty line): no merged row to suspect

    later = make_truth(5, template="2021")
    _s3_nothing_received(later)
    for key in later.cells:
        if key.startswith(("s3.other.no_fee.", "s3.other.other.")):
            later.cells[key] = None
    path = render_text(later, tmp_path / "later", random.Random(5), style=style, encoding="utf-8", damage=Damage())
    cells = _convert(path, settings)["cells"]
    assert all(cells[f"s3.other.{row}.total"]["review"] for row in ("no_fee", "other"))


def test_a_blank_row_whose_label_wraps_onto_two_lines_is_printed_not_missing(tmp_path: Path,
                                                                             settings: Settings) -> None:
    # 政府集 / 中采购 on two lines and nothing after it: the row is there, printed blank, not a
    # row the table leaves out (no row_missing finding).
    truth = make_truth(5, template="2019")
    truth.cells["s2.procurement.items"] = truth.cells["s2.procurement.amount"] = None
    path = render_text(truth, tmp_path / "r", random.Random(5), style="spaces", encoding="utf-8",
                       damage=Damage(broken_labels=1.0))
    assert "政府集中采购" not in path.read_text(encoding="utf-8")
    result = _convert(path, settings)
    assert [k for k in _wrong(result, truth) if not result["cells"][k]["review"]] == []
    procurement = [result["cells"][k] for k in ("s2.procurement.items", "s2.procurement.amount")]
    assert [(c["value"], c["review"]) for c in procurement] == [(None, False)] * 2
    assert "row_missing" not in [f["kind"] for f in result["findings"]]


@pytest.mark.parametrize("style", ["spaces", "run_together", "tab_rows", "webpage"])
def test_tables_printed_with_their_labels_and_no_number_are_blank(tmp_path: Path, settings: Settings,
                                                                  style: str) -> None:
    # A body that received no request and faced no appeal, its zeros left blank: sections 三
    # and 四 print every label and header and not one number (no row is found after them).
    truth = make_truth(5, template="2021")
    for key in truth.cells:
        if key.startswith(("s3.", "s4.")):
            truth.cells[key] = None
    path = render_text(truth, tmp_path / "r", random.Random(5), style=style, encoding="utf-8", damage=Damage())
    result = _convert(path, settings)
    assert _wrong(result, truth) == []
    assert [k for k, c in result["cells"].items() if k.startswith(("s3.", "s4.")) and c["review"]] == []


def test_a_tab_row_of_a_label_and_empty_cells_is_a_blank_row(tmp_path: Path, settings: Settings) -> None:
    # `\t（二）部分公开…\t\t\t\t\t\t\t\t`: the tabs after the label are the row's empty cells, not a
    # cell printed on a line of its own (a table printed cell by cell has no tab after it).
    truth = make_truth(5, template="2021")
    _s3_nothing_received(truth)
    for key in truth.cells:
        if key.startswith("s3.partly_granted."):
            truth.cells[key] = None
    path = render_text(truth, tmp_path / "r", random.Random(5), style="tab_rows", encoding="utf-8", damage=Damage())
    assert any(line.startswith("\t（二）部分公开") and line.endswith("\t\t")
               for line in path.read_text(encoding="utf-8").splitlines())
    result = _convert(path, settings)
    assert _wrong(result, truth) == []
    assert not any(result["cells"][f"s3.partly_granted.{c}"]["review"] for c in ("natural_person", "total"))


@pytest.mark.parametrize("blanks_elsewhere", [True, False])
def test_a_run_filling_its_cells_is_doubted_where_the_page_drops_blanks(tmp_path: Path, settings: Settings,
                                                                       blanks_elsewhere: bool) -> None:
    # 规章110 is 11,_,0 printed by a page that drops its blank cells (seed 1014 report 292): cut
    # 1,1,0 alone it was read surely and wrongly. Where rows of the page print some cells and
    # leave others out (section 三 here) and its table leaves a row blank (政府集中采购), its
    # readings with a cell left blank stand beside it; where the page prints every cell, 110 is 1,1,0.
    truth = make_truth(5, template="2019")
    truth.cells.update({"s2.regulations.made": 11, "s2.regulations.published": None, "s2.regulations.total": 0})
    if not blanks_elsewhere:
        truth.cells.update({"s2.regulations.made": 1, "s2.regulations.published": 1})
    for key, value in truth.cells.items():
        if key.startswith("s3.") and not key.endswith(".total") and not value:
            truth.cells[key] = None if blanks_elsewhere else 0
    path = render_text(truth, tmp_path / "r", random.Random(5), style="run_together", encoding="utf-8",
                       damage=Damage())
    assert "规章110" in path.read_text(encoding="utf-8")
    result = _convert(path, settings)
    cells = result["cells"]
    assert [k for k in _wrong(result, truth) if not cells[k]["review"]] == []
    assert cells["s2.regulations.made"]["review"] is blanks_elsewhere
