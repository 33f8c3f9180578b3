"""A row printed with fewer numbers than cells: where its 总计 goes (ingest/mapper/fit.py)."""

from __future__ import annotations

from ingest.layouts import expand_relations, load_layouts
from ingest.mapper.fit import RowContext, fit_values, local_relations
from ingest.mapper.tokens import Kind, Token
from ingest.models import CellReading
from ingest.pipeline import convert_bytes
from ingest.settings import Settings


def _context(runs_style: bool) -> RowContext:
    layout = next(lay for lay in load_layouts(Settings().layouts_dir) if lay.template == "2021")
    row = next(r for r in layout.rows() if r.section == "s3" and r.key == "new")
    relations = expand_relations(layout, [k for r in layout.rows() for k in r.cell_keys()])
    return RowContext(row.columns, local_relations(row, relations), [None] * len(row.columns), False, runs_style)


def _fitted(texts: list[str], runs_style: bool = False) -> list[str | None]:
    kind = Kind.RUN if runs_style else Kind.VALUE
    fit = fit_values([Token(kind, t, None, i == 0) for i, t in enumerate(texts)], _context(runs_style), Settings())
    return [slot.text for slot in fit.slots]


def test_the_last_number_that_sums_the_others_is_the_total() -> None:
    assert _fitted(["2", "1", "3"]) == ["2", "1", None, None, None, None, "3"]


def test_numbers_that_do_not_sum_are_placed_from_the_left() -> None:
    assert _fitted(["2", "5"]) == ["2", "5", None, None, None, None, None]


def test_zeros_settle_nothing() -> None:
    assert _fitted(["0", "0"]) == ["0", "0", None, None, None, None, None]


def test_a_short_run_of_digits_is_a_detail_and_its_total() -> None:
    # A page running cells together prints "11" for a detail of 1 and its 总计 of 1.
    assert _fitted(["11"], runs_style=True) == ["1", None, None, None, None, None, "1"]


def test_a_short_run_cut_one_way_only_is_split() -> None:
    assert _fitted(["1010"], runs_style=True) == ["10", None, None, None, None, None, "10"]


def test_a_short_run_no_cut_or_two_cuts_explain_stays_a_lone_total() -> None:
    assert _fitted(["25"], runs_style=True) == [None, None, None, None, None, None, "25"]
    # 1 + 10 = 11 and 11 + 0 = 11: the digits cannot tell.
    assert _fitted(["11011"], runs_style=True) == [None, None, None, None, None, None, "11011"]


def _section_three(granted: str, partly: str, total: str) -> str:
    """Section 三 as text pasted from a page that drops blank cells: every row printed whole
    but the two given."""
    layout = next(lay for lay in load_layouts(Settings().layouts_dir) if lay.template == "2021")
    lines = ["三、收到和处理政府信息公开申请情况",
             "申请人情况 自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计"]
    printed = {"new": total, "granted": granted, "partly_granted": partly, "total": total}
    for row in layout.rows():
        if row.section == "s3" and row.deviation is None:
            lines.append(f"{row.labels[0].text} {printed.get(row.key, '0 0 0 0 0 0 0')}")
    return "\n".join(lines)


def _row(cells: dict[str, CellReading], row: str) -> list[tuple[object, bool]]:
    columns = ("natural_person", "enterprise", "research", "public_interest", "legal_service", "other_org", "total")
    return [(cells[f"s3.{row}.{c}"].value, cells[f"s3.{row}.{c}"].review) for c in columns]


def test_short_rows_the_column_sums_allow_one_way_only_are_placed_so_surely() -> None:
    # （一） prints 3, 2 and 5: its 2 is 社会公益组织's, the only column whose 总计 has room for it
    # (placed from the left, it stood under 商业企业); （二）'s 1 is then 商业企业's.
    cells = convert_bytes(_section_three("3 2 5", "2 1 3", "5 1 0 2 0 0 8").encode(), "s.txt", Settings()).cells
    assert _row(cells, "granted") == [(3, False), (None, False), (None, False), (2, False), (None, False),
                                      (None, False), (5, False)]
    assert _row(cells, "partly_granted") == [(2, False), (1, False), *[(None, False)] * 4, (3, False)]


def test_short_rows_the_sums_cannot_tell_apart_stay_flagged() -> None:
    # Two rows of a detail of 1 over 商业企业 and 社会公益组织 totals of 1 each: either way round holds.
    cells = convert_bytes(_section_three("3 1 4", "2 1 3", "5 1 0 1 0 0 7").encode(), "s.txt", Settings()).cells
    assert _row(cells, "granted")[1][1] and _row(cells, "partly_granted")[1][1]


def test_lone_runs_on_a_page_running_its_cells_together_are_cut_not_taken_for_totals() -> None:
    # A web page's text: zero-led runs (规章 000) show cells run together; section 三's rows each
    # print one short run (347: a 自然人 of 3, a 商业企业 of 4, their 总计 of 7), as many rows of
    # lone numbers as a table printing only its totals has.
    layout = next(lay for lay in load_layouts(Settings().layouts_dir) if lay.template == "2021")
    lines = ["二、主动公开政府信息情况", "信息内容 本年制发件数 本年废止件数 现行有效件数",
             "规章 000", "行政规范性文件 000", "三、收到和处理政府信息公开申请情况",
             "申请人情况 自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计"]
    lines += [f"{row.labels[0].text} 347" for row in layout.rows() if row.section == "s3" and row.deviation is None]
    cells = convert_bytes(" ".join(lines).encode(), "s.txt", Settings()).cells
    unclear = _row(cells, "unable.unclear")
    assert [value for value, _ in unclear] == [3, 4, None, None, None, None, 7]
