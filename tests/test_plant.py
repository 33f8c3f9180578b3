"""The benchmark's planted findings: pairs across years keep the template's arithmetic, plants are
recorded in the truth, and the findings score counts recall and false findings per kind."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

from bench.findings import expected_in_report, score_findings
from bench.plant import left_out_rows, plant_blocks, plant_pairs, successor
from bench.render_text import render_text
from bench.truth import S3_COLUMNS, ReportTruth, layout_for, make_truth
from ingest.checks import run_checks
from ingest.detect import decode_text
from ingest.models import CellReading


def _broken(truth: ReportTruth) -> set[str]:
    cells = {k: CellReading(v, None, 1.0) for k, v in truth.cells.items()}
    return {c.id for c in run_checks(layout_for(truth.template), cells) if not c.ok}


def test_a_successor_carries_over_what_its_year_before_carried_forward() -> None:
    found_mismatch = found_match = 0
    for seed in range(40):
        previous, own = make_truth(2 * seed), make_truth(2 * seed + 1, template="2021")
        broken_before = _broken(own)  # a fifth of truths break a relation as drawn
        nxt = successor(previous, own)
        assert (nxt.agency, nxt.year) == (previous.agency, previous.year + 1)
        assert _broken(nxt) <= broken_before  # the pairing itself breaks nothing
        over = [nxt.cells[f"s3.carried_over.{c}"] for c in S3_COLUMNS]
        forward = [previous.cells[f"s3.carried_forward.{c}"] for c in S3_COLUMNS]
        found_mismatch += over != forward
        found_match += over == forward
    assert found_mismatch and found_match


def test_pairs_come_every_third_report_and_never_on_a_2021_format_before_2021() -> None:
    for index in range(1, 30, 3):
        truth = plant_pairs(make_truth(7_000_000 + index), 7, index)
        previous = make_truth(7_000_000 + index - 1)
        assert truth.agency == previous.agency and truth.year == previous.year + 1
        assert truth.template == "2019" or truth.year >= 2021
    assert plant_pairs(make_truth(7_000_002), 7, 2).cells == make_truth(7_000_002).cells
    unplanted = make_truth(7_000_002)
    assert plant_blocks(unplanted, ["一、总体情况", "正文。"], str, lambda text, _: text) == ["一、总体情况", "正文。"]


def test_plants_are_recorded_and_scored() -> None:
    planted = 0
    for seed in range(60):
        truth = make_truth(seed)
        truth.plant = True
        period = f"本报告所列数据的统计期限自{truth.year}年1月1日起至{truth.year}年12月31日止。"
        lines = ["一、总体情况", "（二）依申请公开", period, "五、存在的主要问题", "问题。", "六、其他需要报告的事项",
                 "无。", truth.agency]
        out = plant_blocks(truth, lines, str, lambda text, _: text)
        kinds = Counter(p["kind"] for p in truth.planted)
        assert ("section_missing" in kinds) == (len([x for x in out if x.startswith(("五、", "六、"))]) == 1)
        assert ("period_mismatch" in kinds) == any(f"{truth.year - 1}年1月1日" in x for x in out)
        planted += sum(kinds.values())
    assert planted
    truth = make_truth(1)
    truth.planted = [{"kind": "prose_table", "ref": "granted"}]
    expected = expected_in_report(truth).required
    result = {"findings": [{"kind": "prose_table", "ref": "granted"},
                           {"kind": "prose_table", "ref": "denied", "pending": ["s3.denied.query.total"]}]}
    result["findings"] += [{"kind": k, "ref": r} for (k, r), n in expected.items() for _ in range(n)
                           if k != "prose_table"]
    scored = score_findings([("a.txt", "text", truth, None, result)])
    assert scored["kinds"]["prose_table"] == {"expected": 1, "found": 1, "false": 1, "recall_pct": 100.0,
                                              "found_pending": 0, "false_pending": 1}
    assert scored["reports_with_false"] == 1


def test_a_row_left_out_is_planted_blank_and_not_printed(tmp_path: Path) -> None:
    left_out = [t for t in (plant_pairs(make_truth(9_000_000 + i), 9, i) for i in range(0, 120, 3)) if left_out_rows(t)]
    assert left_out
    truth = left_out[0]
    (row,) = left_out_rows(truth)
    assert all(v is None for k, v in truth.cells.items() if k.startswith(f"{row}."))
    assert expected_in_report(truth).required["row_missing", row] == 1
    # One page of the report (an image) need not show the row's table: allowed, not required.
    on_a_page = expected_in_report(truth, visible=set(truth.cells))
    assert on_a_page.required["row_missing", row] == 0 and ("row_missing", row) in on_a_page.allowed
    label = {"s2.regulations": "规章", "s2.coercion": "行政强制"}[row]
    text, _ = decode_text(render_text(truth, tmp_path / "r", random.Random(1), style="tab_rows").read_bytes())
    table = text.split("二、主动公开")[-1].split("三、")[0]
    assert "行政规范性文件" in table or "规范性文件" in table
    assert label not in table


def test_a_page_showing_part_of_a_table_is_asked_only_the_relations_it_shows_whole() -> None:
    truth = next(t for seed in range(200) if (t := make_truth(seed)) and _broken(t))
    relation = sorted(_broken(truth))[0]
    cells = {k: CellReading(v, None, 1.0) for k, v in truth.cells.items()}
    (check,) = [c for c in run_checks(layout_for(truth.template), cells) if c.id == relation]
    whole = expected_in_report(truth, visible=set(truth.cells))
    assert whole.required["relation_broken", relation] == 1
    cut_off = expected_in_report(truth, visible=set(truth.cells) - {check.cells[0]})
    assert cut_off.required["relation_broken", relation] == 0
    assert ("relation_broken", relation) in cut_off.allowed
