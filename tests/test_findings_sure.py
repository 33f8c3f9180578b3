"""Findings that rest on what is sure: a relation broken whatever its unsure cells hold, a
real bureau's prose read where its reader took it for a table cell, a scan's prose lines that
hold digits picked without OCR."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from bench.truth import S3_COLUMNS
from ingest.contract import report_from_dict, report_to_dict
from ingest.findings.prose import read_claims
from ingest.findings.readings import Doubt
from ingest.findings.rules import load_rules
from ingest.mapper.chain import RUN_MAY_BE_BLANK
from ingest.models import Block, CellReading, CheckResult, Paragraph
from ingest.pipeline import convert_bytes, convert_file
from ingest.scan.lines import line_boxes
from ingest.scan.prose_digits import first_digit, lines_to_read
from ingest.settings import Settings
from tests.conftest import SAMPLES, SEEDS
from workers.corrections import Correction, apply_decisions


def _cell(value: int | None, candidates: Sequence[int] = ()) -> CellReading:
    return CellReading(value, None if value is None else str(value), 1.0, candidates=list(candidates))


def test_a_relation_is_broken_whatever_its_unsure_cells_hold_only_when_no_reading_mends_it() -> None:
    # total = a + b + c, with c unsure.
    check = CheckResult("r", False, "", ["s.r.total", "s.r.a", "s.r.b", "s.r.c"], left=["s.r.total"])
    counts = set(check.cells)
    sure = {"s.r.total", "s.r.a", "s.r.b"}

    def broken(values: dict[str, int | None], sure: set[str], exact: bool = False, signed: bool = False) -> bool:
        cells = {f"s.r.{k}": _cell(v) for k, v in values.items()}
        return Doubt(cells, sure, exact).broken_whatever(check, counts - {"s.r.c"} if signed else counts)

    # Read by OCR, c may hold anything: 1 < 2 + c whatever it is, but 3 = 2 + 1 may hold.
    assert broken({"total": 1, "a": 1, "b": 1, "c": None}, sure)
    assert not broken({"total": 3, "a": 1, "b": 1, "c": None}, sure)
    assert not broken({"total": 1, "a": 1, "b": 1, "c": None}, sure, signed=True)  # c may be -1
    assert not broken({"total": 1, "a": 1, "b": 1, "c": 0}, {"s.r.a", "s.r.b", "s.r.c"})  # total unsure
    assert broken({"total": 1, "a": 1, "b": 1, "c": 0}, counts)  # all sure
    # Read exactly, c's doubt is only where the row's numbers go: one of them (1, 3) or blank.
    assert broken({"total": 5, "a": 1, "b": 1, "c": 0}, sure, exact=True)
    assert not broken({"total": 5, "a": 1, "b": 1, "c": 3}, sure, exact=True)


def test_digits_run_together_are_all_used_by_every_reading() -> None:
    """A web page's `00004800` under seven cells: 4 and 80, or 48 and 0 — the 总计 0 is broken
    under either, though each cell alone may be 0; a run with too few digits may leave the 总计
    blank."""
    keys = [f"s3.new.{c}" for c in ("a", "b", "c", "d", "e", "f", "total")]
    read = [_cell(0, [0]), _cell(0, [0]), _cell(0, [0]), _cell(0, [0]), _cell(4, [0, 4, 48, 480]),
            _cell(80, [0, 4, 80, 480, 800]), _cell(0, [0, 800])]
    cells = dict(zip(keys, read, strict=True))
    check = CheckResult("s3.row_sum.new", False, "", keys, left=["s3.new.total"])
    assert Doubt(cells, set(), True).broken_whatever(check, set(keys))
    # A 总计 some cut leaves blank: eight digits are enough for seven cells, so all are printed.
    cells["s3.new.total"].notes.append(f"cells run together; 2 values fit; {RUN_MAY_BE_BLANK}")
    assert Doubt(cells, set(), True).broken_whatever(check, set(keys))
    # `600050` under seven cells: one is blank, perhaps the 总计 (a web page drops it): no break.
    read = [_cell(None, [6]), _cell(6, [0, 6]), _cell(0, [0]), _cell(0, [0]), _cell(0, [0, 5]), _cell(5, [0, 5]),
            _cell(0, [0])]
    cells = dict(zip(keys, read, strict=True))
    for cell in cells.values():
        cell.notes.append(f"cells run together; 1 values fit; {RUN_MAY_BE_BLANK}")
    assert not Doubt(cells, set(), True).broken_whatever(check, set(keys))


def test_a_row_of_too_many_readings_leaves_its_relation_undecided() -> None:
    # Seven cells placed unsure, each of which may hold any number the row prints (or a piece
    # of one): past MAX_ROW_READINGS the relation is left to the cells' reviews (a report was
    # lost to an IndexError before).
    keys = [f"s3.new.{c}" for c in ("a", "b", "c", "d", "e", "f", "total")]
    cells = {k: _cell(v) for k, v in zip(keys, (821, 35, 2, 1, 8, 59, 767), strict=True)}
    check = CheckResult("s3.row_sum.new", False, "", keys, left=["s3.new.total"])
    assert not Doubt(cells, set(), True).broken_whatever(check, set(keys))


def test_a_bureaus_prose_read_as_a_table_cell_is_read_for_claims(settings: Settings) -> None:
    """平潭's 市场监督管理局 2023: the crawler's line with a tab is read as a row of two cells;
    its 收到政府信息公开申请1件，予以公开1件 agrees with its table (1 new, 1 granted)."""
    report = convert_file(SAMPLES / "documents" / "webpage_fj_pingtan_scjgj_2023.txt", settings)
    assert [(c.claim, c.value) for c in report.prose_claims] == [("requests_received", 1), ("granted", 1)]
    assert "prose_table" not in {f.kind for f in report.findings}


def _ink(text: str, size: int) -> np.ndarray:
    found = subprocess.run(["fc-match", "--format=%{file}:%{index}", "Noto Serif CJK SC:bold"],
                           capture_output=True, text=True, check=True).stdout
    path, index = found.rsplit(":", 1)
    image = Image.new("L", (size * 40, size * 2), 255)
    ImageDraw.Draw(image).text((10, size // 3), text, font=ImageFont.truetype(path, size, index=int(index)), fill=0)
    return (np.array(image) < 128).astype(np.uint8) * 255


def test_prose_lines_holding_digits_are_told_without_ocr() -> None:
    with_digits = ["2023年，本机关共收到政府信息公开申请75件，予以公开",
                   "因政府信息公开被申请行政复议2件，被提起行政诉讼",
                   "予以公开及部分公开12件，无法提供3件，不予处理1件", "开设民生相关专栏，公开卫生健康、教育等8个领域",
                   "行政诉讼1件"]
    without = ["平潭综合实验区坚持以习近平新时代中国特色社会主义思想为指导，深入学习",
               "认真执行《条例》相关规定，紧紧围绕实验区党工委、管委会决策部署，强化",
               "工作人员业务能力有待进一步提高。我们将进一步加强培训，提高服务水平，以",
               "依法依规做好政府信息公开申请办理工作，规范答复格式，提升答复质量"]
    for size in (22, 30, 42):
        inks = [_ink(t, size) for t in with_digits + without]
        picked = [first_digit(ink, line_boxes(ink, 3, 2)[0]) is not None for ink in inks]
        assert all(picked[:5]), size
        assert sum(picked[5:]) <= 1, size


def test_a_claim_broken_over_two_lines_is_read_once(settings: Settings) -> None:
    """A scan's lines are paragraphs of their own: a phrase that runs on from one to the next."""
    rules = load_rules(settings.layouts_dir)
    lines: list[Block] = [Paragraph("（二）依申请公开", 2), Paragraph("2023年，本机关共收到政府信息", 2),
             Paragraph("公开申请75件，予以公开3件。", 2), Paragraph("行政复议", 2), Paragraph("2件", 3)]
    read = [(c.claim, c.value, c.span.block) for c in read_claims(lines, rules, "2021", 2023)]
    assert read == [("requests_received", 75, 1), ("granted", 3, 2)]  # a new page does not run on


def test_a_correction_brings_the_prose_findings_up_to_date(settings: Settings) -> None:
    """A reviewer corrects 本年新收 away from what the prose quotes: the prose finding appears;
    the correction undone, it goes. The claims go through the result's JSON and back."""
    report = report_from_dict(report_to_dict(convert_file(SEEDS[2], settings)))
    quoted = next(c for c in report.prose_claims if c.claim == "requests_received")
    assert "prose_table" not in {f.kind for f in report.findings}

    def decide(value: int) -> None:
        decision = Correction("seed", "", "s3.new.total", "correct", None, None, value, "test", 0.0, 1)
        assert apply_decisions(report, [decision], settings.layouts_dir) == 1

    decide(quoted.value + 3)
    assert [f.prose.text for f in report.findings if f.kind == "prose_table" and f.prose] == [quoted.span.text]
    decide(quoted.value)
    assert "prose_table" not in {f.kind for f in report.findings}


def test_the_line_above_a_number_near_a_lines_start_is_read_too() -> None:
    """收到政府信息公开申请 may end one line and 75件 open the next: both are read."""
    lines = ["本机关认真做好依申请公开工作，共收到政府信息公开申请", "75件，均在法定期限内答复完毕，答复率达到百分之百",
             "我们将进一步加强培训，提高服务水平，规范答复格式", "同时结合本地实际开展专项检查，全年开展12次"]
    size, inks = 30, []
    for text in lines:
        inks.append(_ink(text, size)[:, : size * 30])
    page = np.vstack(inks)
    boxes = line_boxes(page, 3, 2)
    assert len(boxes) == 4
    assert lines_to_read(page, boxes, []) == [boxes[0], boxes[1], boxes[3]]
    assert lines_to_read(page, boxes, [boxes[2]]) == boxes


def test_a_row_printed_as_its_label_alone_is_blank_unless_it_closes_a_merged_group(settings: Settings) -> None:
    """A style that drops blanks prints a row of blanks as its label alone: its cells are printed
    blank. The last sub-rows of （六） printed as labels after a first sub-row with values are one
    merged cell's values (a bureau's page), not blanks."""
    seed = next(s for s in SEEDS if s.name == "seed_002.txt")
    lines = seed.read_text(encoding="utf-8").split("\n")
    carried = next(i for i, line in enumerate(lines) if line.startswith("二、上年结转政府信息公开申请数量"))
    no_fee = next(i for i, line in enumerate(lines) if "2. 申请人逾期未按收费通知" in line)
    lines[carried] = "二、上年结转政府信息公开申请数量"
    lines[no_fee] = lines[no_fee].split("申请\t")[0] + "申请"
    lines[no_fee + 1] = "3. 其他"
    report = convert_bytes("\n".join(lines).encode(), "dropped.txt", settings)
    blank = [f for f in report.findings if f.kind == "cells_blank"]
    assert len(blank) == 1
    assert {k for k in blank[0].cells if k.startswith("s3.carried_over.")} == {
        f"s3.carried_over.{c}" for c in (*S3_COLUMNS, "total")}
    assert not [k for k in blank[0].cells if k.startswith("s3.other.")]
