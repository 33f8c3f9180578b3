"""Texts a crawler saved cut short inside a table: the row the text ends in may have lost its
last cells, or the last digits of its last number, so none of its cells is sure."""

from __future__ import annotations

from typing import Any

from ingest.output import report_to_dict
from ingest.pipeline import convert_bytes
from ingest.settings import Settings
from tests.conftest import SEEDS

BASE = SEEDS[2].read_text(encoding="utf-8")  # tab-separated rows, 2021 template
NEW_LABEL = "一、本年新收政府信息公开申请数量"
NEW_ROW = NEW_LABEL + "\t\t0\t0\t0\t0\t0\t1\t1\t"
CARRIED_LABEL = "二、上年结转政府信息公开申请数量"


def cells(text: str, settings: Settings) -> dict[str, Any]:
    result = report_to_dict(convert_bytes(text.encode("utf-8"), "cut.txt", settings))
    assert "error" not in result, result.get("error")
    found: dict[str, Any] = result["cells"]
    return found


def row(found: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    return [c for k, c in found.items() if k.startswith(prefix + ".") and "." not in k[len(prefix) + 1 :]]


def test_a_text_cut_before_a_rows_total_leaves_the_row_unsure(settings: Settings) -> None:
    # Six of seven values left: the blank cell after the row's label fills the row out, read
    # as a blank 自然人 and the 其他 as the 总计; nothing in the row shows the shift.
    assert NEW_ROW in BASE
    new = row(cells(BASE[: BASE.index(NEW_ROW) + len(NEW_ROW) - len("\t1\t")], settings), "s3.new")
    assert len(new) == 7 and all(c["review"] for c in new)


def test_a_text_cut_inside_a_rows_last_number_leaves_it_unsure(settings: Settings) -> None:
    # 1864 saved as 18.
    text = BASE.replace(NEW_ROW, NEW_LABEL + "\t\t1200\t600\t0\t0\t0\t64\t1864\t")
    new = row(cells(text[: text.index("\t1864") + len("\t18")], settings), "s3.new")
    assert new[-1]["value"] == 18 and new[-1]["review"]


def test_a_text_cut_after_a_numbers_decimal_point_leaves_it_unsure(settings: Settings) -> None:
    # 258.51 saved as "258.": the point, read apart as a label, is no word after the row.
    fees = "行政事业性收费\t0\t\t\n"
    assert fees in BASE
    text = BASE.replace(fees, "行政事业性收费\t258.51\t\t\n")
    fee = cells(text[: text.index("258.51") + len("258.")], settings)["s2.fees.amount"]
    assert fee["review"]


def test_a_text_cut_after_a_rows_blank_cells_leaves_the_row_unsure(settings: Settings) -> None:
    # Cells one per line, bars after them ("0 |", "||||" for blanks): the text's last line lost
    # its bar, so its 0 is no cell of the row, which read as printed blank, sure.
    carried = BASE.index(CARRIED_LABEL)
    text = BASE[:carried] + CARRIED_LABEL + " |\n|||||||\n0"
    found = row(cells(text, settings), "s3.carried_over")
    assert len(found) == 7 and all(c["review"] for c in found)


def test_digits_run_together_cut_two_ways_with_the_column_sums_cut_off_are_flagged(settings: Settings) -> None:
    # 2811000039: 28|11|0|0|0|0|39 or 28|1|10|0|0|0|39, each keeping the row's sum; the text
    # ends before the 总计 rows, whose column sums alone would tell them apart.
    text = BASE.replace(NEW_ROW, NEW_LABEL + "2811000039")
    found = cells(text[: text.index("5. 属于三类内部事务信息")], settings)
    for column, candidates in (("enterprise", [1, 11]), ("research", [0, 10])):
        cell = found[f"s3.new.{column}"]
        assert cell["candidates"] == candidates and cell["review"]


def test_a_lone_run_taken_for_a_rows_total_with_the_column_sums_cut_off_leaves_its_blanks_unsure(
        settings: Settings) -> None:
    # 100100 for seven cells: 1|0|0|1|0|0 with the 总计 dropped, or a 总计 of 100100 over blank
    # cells; only the column sums of the rows the text no longer holds tell.
    text = BASE.replace(NEW_ROW, NEW_LABEL + "100100")
    new = row(cells(text[: text.index("(二) 部分公开")], settings), "s3.new")
    assert new[-1]["value"] == 100100 and all(c["review"] for c in new)
