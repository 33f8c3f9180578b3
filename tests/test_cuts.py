"""Runs of digits cut into cells over the whole table: the solver, and real web-page text
with its spaces moved."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

from bench.render_text import render_text
from bench.render_webpage import STYLE as WEBPAGE
from bench.truth import make_truth
from ingest.layouts import Relation
from ingest.mapper.blanks import printed_in_blank_column
from ingest.mapper.cuts import RowCuts, cut_table
from ingest.mapper.decisions import decide, guess_rank
from ingest.output import report_to_dict
from ingest.pipeline import convert_bytes
from ingest.settings import CutSettings, Settings
from tests.conftest import SAMPLES, same_value, truth_of

BALANCE = Relation("balance", ("new", "carried"), ("total",))


def _row(key: str, *options: int) -> RowCuts:
    return RowCuts.parse((key,), [(str(o),) for o in options], [False])


def test_rows_that_each_allow_two_cuts_are_settled_by_a_relation_between_them() -> None:
    rows = [_row("new", 5, 3), _row("carried", 1), _row("total", 6, 40)]
    table = cut_table(rows, [BALANCE], Settings())
    assert table.best == [(0,), (0,), (0,)] and table.cost == 0 and table.exhaustive


def test_two_cuts_of_the_table_that_both_hold_leave_their_cells_unsure() -> None:
    rows = [_row("new", 5, 3), _row("carried", 1), _row("total", 6, 4)]
    decisions = decide(rows, [BALANCE], "", Settings(cuts=CutSettings(max_states=1000)))
    assert decisions[0].candidates == {0: [3, 5]} and decisions[2].candidates == {0: [4, 6]}
    assert decisions[1].candidates == {}


def test_a_relation_over_a_blank_cell_does_not_apply() -> None:
    rows = [_row("new", 5, 3), RowCuts.parse(("carried",), [(None,)], [False]), _row("total", 6, 4)]
    assert cut_table(rows, [BALANCE], Settings()).best[0] == (0, 1)


def test_the_prose_quotes_tell_apart_cuts_no_relation_can() -> None:
    row = RowCuts.parse(("a", "b", "c"), [("88", "55", "698"), ("885", "5", "698"), ("8", "855", "698")],
                        [False] * 3, label="规范性文件")
    prose = "集中公开现行有效行政规范性文件698件，动态更新本年度制发的规范性文件88件。"
    assert decide([row], [], prose, Settings(cuts=CutSettings(max_states=1000)))[0].choice == 0
    assert decide([row], [], "", Settings(cuts=CutSettings(max_states=1000)))[0].candidates


def test_a_row_parted_by_spaces_is_guessed_with_its_parts_whole() -> None:
    texts = [("1", "2", "3"), ("12", "3", None)]
    spaced = RowCuts.parse(("a", "b", "c"), texts, [False] * 3, printed=("12", "3"))
    glued = RowCuts.parse(("a", "b", "c"), texts, [False] * 3, printed=("123",))
    settings = Settings(cuts=CutSettings(max_states=1000))
    chosen = decide([spaced], [], "", settings)[0]
    assert chosen.choice == 1 and chosen.candidates  # still unsure: no relation tells them apart
    assert decide([glued], [], "", settings)[0].choice == 0  # the evener cut, as before


def test_a_row_is_guessed_keeping_its_own_sum_where_blanks_could_be_zeros() -> None:
    # 18724211 on a page leaving its zeros blank: 187,24,_,_,211 keeps the row's sum (the blanks
    # as 0), 1,8,7,24,211 breaks it though its pieces are evener.
    keys = ("a", "b", "c", "d", "t")
    row = RowCuts.parse(keys, [("1", "8", "7", "24", "211"), ("187", "24", None, None, "211")], [False] * 5)
    own = [[(0, 0, 1), (0, 1, 1), (0, 2, 1), (0, 3, 1), (0, 4, -1)]]
    assert min(range(2), key=lambda o: guess_rank(row, o, own)) == 1
    assert min(range(2), key=lambda o: guess_rank(row, o, [])) == 0


def _dropped_blank(keys: tuple[str, ...], digits: list[str]) -> RowCuts:
    """A run that dropped a blank cell: its pieces in order, the blank at any place."""
    texts = [(*digits[:i], None, *digits[i:]) for i in range(len(keys))]
    return RowCuts.parse(keys, texts, [False] * len(keys))


COLUMNS = [Relation(f"col.{c}", (f"x.{c}",), (f"y.{c}",)) for c in "abc"]


def test_a_dropped_blank_leaves_unsure_the_zeros_it_may_trade_with_not_a_number_a_relation_holds() -> None:
    # x prints "5 0" for three cells; y (5, 0, 0) ties each column.
    rows = [_dropped_blank(("x.a", "x.b", "x.c"), ["5", "0"]), RowCuts.parse(("y.a", "y.b", "y.c"),
                                                                              [("5", "0", "0")], [False] * 3)]
    x = decide(rows, COLUMNS, "", Settings(cuts=CutSettings(max_states=1000)))[0]
    assert rows[0].options[x.choice][0] == 5
    # Blank in b or c: the same digits, a 0 and a blank add nothing: no relation can tell.
    assert sorted(x.candidates) == [1, 2]


def test_a_dropped_blank_before_a_number_no_relation_holds_leaves_every_cell_unsure() -> None:
    rows = [_dropped_blank(("x.a", "x.b", "x.c"), ["5", "0"]), RowCuts.parse(("y.a", "y.b", "y.c"),
                                                                              [("5", "0", "0")], [False] * 3)]
    # Without column a's relation the 5 could stand in a or b (a silent error before).
    x = decide(rows, COLUMNS[1:], "", Settings(cuts=CutSettings(max_states=1000)))[0]
    assert sorted(x.candidates) == [0, 1, 2]


def test_rows_cut_alike_to_keep_their_columns_where_blanks_dropped_keep_their_sums_are_unsure() -> None:
    # A real page's rows 821,35,_,_,2,1,859 and 767,35,_,_,2,1,805 printed with their blanks
    # dropped: cut alike, the columns balance while neither row adds up (a silent error before).
    x = RowCuts.parse(("x.a", "x.b", "x.c"),
                      [("1", "2", "12"), ("1", "21", "2"), ("12", "1", "2"), ("12", None, "12"), (None, "12", "12")],
                      [False] * 3)
    y = RowCuts.parse(("y.a", "y.b", "y.c"), [("1", "2", "12"), ("10", "2", "12")], [False] * 3)
    relations = [*COLUMNS, Relation("row.x", ("x.c",), ("x.a", "x.b")), Relation("row.y", ("y.c",), ("y.a", "y.b"))]
    decisions = decide([x, y], relations, "", Settings(cuts=CutSettings(max_states=1000)))
    assert decisions[0].choice == 0 and decisions[0].in_broken
    # y is guessed as the reading that keeps its own sum; its first cell stays unsure.
    assert decisions[1].choice == 1 and decisions[1].candidates == {0: [1, 10]}


def test_a_row_no_reading_of_which_keeps_its_own_sum_is_cut_surely_by_the_columns() -> None:
    # The document breaks the row's sum as printed: no blank dropped explains it.
    x = RowCuts.parse(("x.a", "x.b", "x.c"), [("8", "2", "13"), ("8", "21", "3"), ("82", "1", "3")], [False] * 3)
    y = RowCuts.parse(("y.a", "y.b", "y.c"), [("8", "2", "13"), ("80", "2", "13")], [False] * 3)
    relations = [*COLUMNS, Relation("row.x", ("x.c",), ("x.a", "x.b")), Relation("row.y", ("y.c",), ("y.a", "y.b"))]
    decisions = decide([x, y], relations, "", Settings(cuts=CutSettings(max_states=1000)))
    assert [(d.choice, d.in_broken) for d in decisions] == [(0, False), (0, False)]


def _sum_row(name: str) -> Relation:
    return Relation(f"row.{name}", (f"s3.{name}.total",), (f"s3.{name}.p", f"s3.{name}.q"))


def test_a_column_every_row_leaves_blank_settles_the_rows_that_print_only_zeros() -> None:
    names = "abcd"
    keys = [tuple(f"s3.{name}.{c}" for c in ("p", "q", "total")) for name in names]
    # a and b print "2 0" and "3 0": a 总计 cannot be 0 beside a 2, so their blank is the 总计;
    # c and d print "0 0", whose blank could be anywhere, but every row leaves the 总计 blank.
    rows = [_dropped_blank(keys[0], ["2", "0"]), _dropped_blank(keys[1], ["3", "0"]),
            _dropped_blank(keys[2], ["0", "0"]), _dropped_blank(keys[3], ["0", "0"]),
            RowCuts.parse(("s3.t.p",), [("5",)], [False])]
    # A column relation holds over the 2 and the 3: the blank cannot have displaced them.
    relations = [_sum_row(name) for name in names] + [
        Relation("col.p", ("s3.t.p",), tuple(f"s3.{name}.p" for name in names))]
    decisions = decide(rows, relations, "", Settings(cuts=CutSettings(max_states=1000)))
    for row, d in zip(rows[:4], decisions, strict=False):
        assert row.options[d.choice][2] is None and not d.candidates
    assert decisions[2].by_column and decisions[3].by_column
    # One row's counts alone settle nothing (the document may break its sum as printed).
    few = decide(rows[:1] + rows[2:], relations, "", Settings(cuts=CutSettings(max_states=1000)))
    assert sorted(few[1].candidates) == [0, 1, 2] and not few[1].by_column
    # A row printing its 总计 shows the column is not left blank: the zero rows stay unsure.
    rows[3] = RowCuts.parse(keys[3], [("0", "0", "0")], [False] * 3)
    decisions = decide(rows, relations, "", Settings(cuts=CutSettings(max_states=1000)))
    assert sorted(decisions[2].candidates) == [0, 1, 2] and not decisions[2].by_column


def test_a_table_of_zeros_one_cell_short_on_every_row_leaves_its_total_blank() -> None:
    # A body with no requests prints "0 0" on every row of three cells: no row's digits tell
    # where its blank is, but a page leaves blank the column it does not add up (总计).
    names = "abc"
    keys = [tuple(f"s3.{name}.{c}" for c in ("p", "q", "total")) for name in names]
    rows = [_dropped_blank(k, ["0", "0"]) for k in keys]
    relations = [_sum_row(name) for name in names]
    decisions = decide(rows, relations, "", Settings(cuts=CutSettings(max_states=1000)))
    for row, d in zip(rows, decisions, strict=True):
        assert row.options[d.choice] == (0, 0, None) and d.by_column and not d.candidates
    # One such row is no habit of the page; a row printing all three cells shows none.
    assert decide(rows[:1], relations, "", Settings(cuts=CutSettings(max_states=1000)))[0].candidates
    rows[2] = RowCuts.parse(keys[2], [("0", "0", "0")], [False] * 3)
    assert decide(rows, relations, "", Settings(cuts=CutSettings(max_states=1000)))[0].candidates


def test_a_row_read_whole_on_a_page_that_leaves_its_total_blank_is_unsure() -> None:
    # 总计 blank on every row but one, read "0 1 0" whole: "0 10" and a blank fit its digits as
    # well (a silent 1 for a printed 10 on a seed-12 web page, every relation broken as printed).
    keys = [tuple(f"s3.{name}.{c}" for c in ("p", "q", "total")) for name in "abct"]
    rows = [_dropped_blank(k, ["2", "0"]) for k in keys[:3]]
    rows.append(RowCuts.parse(keys[3], [("0", "1", "0"), ("0", "10", None)], [False] * 3))
    assert printed_in_blank_column(rows, [2, 2, 2, 0]) == {3: 1}
    # One row leaving a blank is no habit of the page; a page leaving blanks anywhere has none.
    assert printed_in_blank_column(rows[2:], [2, 0]) == {}
    assert printed_in_blank_column(rows, [0, 1, 2, 0]) == {}


def test_the_search_stays_bounded_on_a_long_table_of_unsure_rows() -> None:
    rows = [_row(f"r{i}", *range(1, 9)) for i in range(26)] + [_row("sum", 100)]
    relation = Relation("sum", ("sum",), tuple(f"r{i}" for i in range(26)))
    table = cut_table(rows, [relation], Settings(cuts=CutSettings(max_states=500)))
    assert table.widest <= 500 * 8 and table.cost == 0


def _scored(text: str, name: str, settings: Settings) -> tuple[list[str], dict[str, Any]]:
    result = report_to_dict(convert_bytes(text.encode(), name, settings))
    truth = truth_of(SAMPLES / "documents" / name)
    wrong = [k for k, v in truth["cells"].items()
             if k not in truth["ambiguous"] and not same_value(result["cells"][k]["value"], v)]
    return wrong, result


def test_spaces_on_some_cell_boundaries_only_change_nothing(settings: Settings) -> None:
    # A crawler keeps the markup's spaces between some cells, not all (`10 0 0 0 01`).
    name = "webpage_fj_pingtan_2022.txt"
    text = (SAMPLES / "documents" / name).read_text(encoding="utf-8")
    truth = truth_of(SAMPLES / "documents" / name)["cells"]
    rng = random.Random(3)
    table = text[text.index("二、主动公开") : text.index("五、存在的主要问题")].replace(" ", "")

    def respace(row: str) -> str:
        cells = [str(truth[k]) for k in truth if k.startswith(row + ".")]
        return "".join(c + (" " if rng.random() < 0.4 else "") for c in cells).strip()

    for row, printed in (("s3.new", "713000074"), ("s3.granted", "210000021"), ("s3.total", "723000075"),
                         ("s2.normative_docs", "8855698")):
        assert printed in table
        table = table.replace(printed, respace(row), 1)
    moved = text[: text.index("二、主动公开")] + table + text[text.index("五、存在的主要问题") :]
    wrong, result = _scored(moved, name, settings)
    assert wrong == []
    assert not result["cells"]["s3.new.natural_person"]["review"]


def test_full_width_spaces_and_no_line_breaks(settings: Settings) -> None:
    name = "webpage_fj_pingtan_scjgj_2023.txt"
    text = (SAMPLES / "documents" / name).read_text(encoding="utf-8")
    wrong, result = _scored(text.replace("\n", "\u3000").replace(" ", "\u3000"), name, settings)
    assert wrong == []
    assert result["cells"]["s2.normative_docs.issued"]["candidates"] == [1, 13, 130]


def test_samples_dir_is_there() -> None:
    assert Path(SAMPLES / "documents" / "webpage_fj_pingtan_2019.txt").exists()


def test_a_total_printed_blank_on_the_detail_rows(settings: Settings) -> None:
    # A 2019 habit: 总计 left blank on the detail rows; the page's text then has one digit less.
    name = "webpage_fj_pingtan_2019.txt"
    text = (SAMPLES / "documents" / name).read_text(encoding="utf-8")
    start, end = text.index("三、本年度办理结果"), text.index("（七）总计")
    # Each row's seventh digit goes; a next row's ordinal glued after it (`70000072.没有…`) stays.
    details = re.sub(r"(?<!\d)(\d{6})\d(?=\d[.、]|[^\d.、])", r"\1", text[start:end])
    result = report_to_dict(convert_bytes((text[:start] + details + text[end:]).encode(), name, settings))
    cells = result["cells"]
    assert [cells[f"s3.unable.not_held.{c}"]["value"] for c in ("natural_person", "total")] == [7, None]
    assert [cells[f"s3.granted.{c}"]["value"] for c in ("natural_person", "enterprise", "total")] == [7, 0, None]
    assert cells["s3.total.total"]["value"] == 23


def test_a_row_not_printed_is_blank_and_a_label_without_values_is_flagged(settings: Settings) -> None:
    # This bureau prints no 规章 row; its merged （六） row prints labels 2 and 3 with no values.
    name = "webpage_fj_pingtan_scjgj_2023.txt"
    result = report_to_dict(convert_bytes((SAMPLES / "documents" / name).read_bytes(), name, settings))
    regulations = result["cells"]["s2.regulations.issued"]
    assert regulations["value"] is None and not regulations["review"]
    assert result["cells"]["s3.other.no_fee.total"]["review"]


def test_a_typo_in_the_template_label_is_not_the_other_template_label(settings: Settings) -> None:
    name = "webpage_fj_pingtan_2022.txt"
    text = (SAMPLES / "documents" / name).read_text(encoding="utf-8")

    def deviations(label: str) -> list[str]:
        page = text.replace("行政规范性文件8855698", label + "8855698").encode()
        return list(report_to_dict(convert_bytes(page, name, settings)).get("template_deviations", []))

    assert deviations("行规范性文件") == []
    assert deviations("规范性文件") == ["s2 规范性文件 label (2019)"]


def _glued_with_blanks(row: str, digits: str) -> RowCuts:
    """Seven single digits run together, read also as six cells and a dropped blank (one piece
    of two digits, no leading zero)."""
    keys = tuple(f"{row}.{c}" for c in range(7))
    texts: list[tuple[str | None, ...]] = [tuple(digits)]
    for join in range(6):
        if digits[join] == "0":
            continue
        pieces = [*digits[:join], digits[join:join + 2], *digits[join + 2:]]
        texts += [(*pieces[:blank], None, *pieces[blank:]) for blank in range(7)]
    return RowCuts.parse(keys, texts, [False] * 7)


def test_a_page_of_totals_printed_0_and_blanks_dropped_anywhere_is_cut_surely() -> None:
    # A real page printed 总计 as 0 on every row (each row's sum broken as printed) with its cells
    # run together; readings dropping a blank anywhere swamped the search, and past its state limit
    # every cell of those rows was flagged (seed 1100 report 99).
    printed = {"new": "1020000", "carried": "2000000", "granted": "1020000", "query": "1000000",
               "repeat": "1000000", "total": "3020000"}
    rows = [_glued_with_blanks(row, digits) for row, digits in printed.items()]
    own = [Relation(f"sum.{r}", tuple(f"{r}.{c}" for c in range(6)), (f"{r}.6",)) for r in printed]
    columns = [Relation(f"in.{c}", (f"new.{c}", f"carried.{c}"), (f"total.{c}",)) for c in range(7)]
    columns += [Relation(f"out.{c}", (f"granted.{c}", f"query.{c}", f"repeat.{c}"), (f"total.{c}",))
                for c in range(7)]
    table = cut_table(rows, own + columns, Settings(cuts=CutSettings(max_states=50)))
    assert table.exhaustive and table.best == [(0,)] * len(rows)


def test_the_three_other_rows_printed_without_values_are_blank(settings: Settings) -> None:
    # （六）其他处理's three labels with no number after any: no merged row of values can stand
    # under them, so the last two are blank as the first is (seed 1100 reports 8 and 91 flagged them).
    name = "webpage_fj_pingtan_scjgj_2023.txt"
    text = (SAMPLES / "documents" / name).read_text(encoding="utf-8").replace("00000002.申请人", "2.申请人")
    cells = report_to_dict(convert_bytes(text.encode(), name, settings))["cells"]
    for row in ("no_correction", "no_fee", "other"):
        assert cells[f"s3.other.{row}.total"]["value"] is None and not cells[f"s3.other.{row}.total"]["review"]


def test_a_sections_total_left_blank_in_a_run_that_breaks_a_sum_otherwise_is_unsure(settings: Settings) -> None:
    # Section 四 run together with its 未经复议直接起诉 总计 printed blank: sixteen digits for
    # fifteen cells. Every cut into fifteen cells breaks a sum; the one leaving that 总计 blank
    # keeps them all, so the 0 read there is no surer than the break.
    name = "webpage_fj_pingtan_2022.txt"
    text = (SAMPLES / "documents" / name).read_text(encoding="utf-8")
    printed = "0 1 1 0 2 1 0 0 0 1 0 0 0 0 0"
    assert printed in text
    result = report_to_dict(convert_bytes(text.replace(printed, "0000000000024024").encode(), name, settings))
    cells = result["cells"]
    blank_total = cells["s4.suit_direct.total"]
    assert blank_total["value"] is None or blank_total["review"]


def test_a_row_parted_by_spaces_that_a_cut_into_every_cell_adds_up_too_is_unsure(tmp_path: Path) -> None:
    # A page leaving its zeros blank prints 1315,549,_,_,_,_,1864 as "1315 549 1864", and
    # 13|15|5|4|9|18|64 adds up too: in a table that does not add up, the latter was taken
    # surely (fresh seed 5601, report 1610: 11 silent cells).
    truth = make_truth(5601 * 1_000_000 + 1610)
    page = render_text(truth, tmp_path / "page", random.Random("5601/text/1610"), style=WEBPAGE)
    assert "1315 549 1864" in page.read_text(encoding="utf-8")
    cells = report_to_dict(convert_bytes(page.read_bytes(), page.name, Settings()))["cells"]
    rows = [k for k in truth.cells if k.startswith(("s3.new.", "s3.total."))]
    assert [cells[k]["value"] for k in rows if k.startswith("s3.new.")] == [1315, 549, None, None, None, None, 1864]
    assert all(same_value(cells[k]["value"], truth.cells[k]) or cells[k]["review"] for k in rows)
