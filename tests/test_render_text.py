"""The text renderer: every style prints every value of the truth, as real reports do."""

from __future__ import annotations

import itertools
import json
import random
import re
from collections import Counter
from dataclasses import replace

import pytest

from bench.render_text import STYLES, Damage, render_text
from bench.splits import Run, ambiguous_keys, run_candidates
from bench.truth import S3_COLUMNS, ReportTruth, Value, layout_for, make_truth
from ingest.layouts import expand_relations

_TABLES = re.compile(r"二、主动公开政府信息情况(.*)五、", re.S)


def _truth(template: str) -> ReportTruth:
    return make_truth(11, template=template)


def _tables(text: str) -> str:
    match = _TABLES.search(text)
    assert match, "no tables in the text"
    return match.group(1)


def _printed(value: object) -> str:
    if value is None:  # printed blank
        return ""
    return format(value, "f") if not isinstance(value, int) else str(value)


@pytest.mark.parametrize("template", ["2021", "2019"])
@pytest.mark.parametrize("style", [s for s in STYLES if s != "run_together"])
def test_every_value_appears(tmp_path, style, template):
    truth = _truth(template)
    path = render_text(truth, tmp_path / "r", random.Random(3), style=style, encoding="utf-8")
    assert path.name == f"r.{style}.txt"
    numbers = Counter(re.findall(r"-?\d+(?:\.\d+)?", _tables(path.read_text(encoding="utf-8"))))
    wanted = Counter(_printed(v) for v in truth.cells.values() if v is not None)
    assert not wanted - numbers, f"values missing from the {style} text"


def test_run_together_has_no_separators(tmp_path):
    truth = _truth("2021")
    path = render_text(truth, tmp_path / "r", random.Random(3), style="run_together", encoding="utf-8")
    tables = _tables(path.read_text(encoding="utf-8"))
    assert not re.search(r"\d[ \t|\u00a0\u3000]+\d", tables)
    new_row = "".join(_printed(truth.cells[f"s3.new.{c}"]) for c in
                      ("natural_person", "enterprise", "research", "public_interest", "legal_service", "other_org",
                       "total") if truth.cells[f"s3.new.{c}"] is not None)
    assert f"一、本年新收政府信息公开申请数量{new_row}" in tables


def test_blank_cells_print_empty(tmp_path):
    truth = _truth("2021")
    truth.cells["s3.new.research"] = None
    path = render_text(truth, tmp_path / "r", random.Random(1), style="tab_rows", encoding="utf-8", damage=Damage())
    row = next(line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("一、本年新收"))
    cells = row.split("\t")
    assert cells[4] == "" and cells[2] == str(truth.cells["s3.new.natural_person"])


def test_deviations_are_printed(tmp_path):
    truth = _truth("2021")
    truth = replace(truth, deviations=["s3.other single row", "s2 规范性文件 label (2019)"],
                    cells={k: v for k, v in truth.cells.items() if not k.startswith("s3.other.")}
                    | {f"s3.other.{c}": 0 for c in ("natural_person", "enterprise", "research", "public_interest",
                                                     "legal_service", "other_org", "total")})
    text = render_text(truth, tmp_path / "r", random.Random(1), style="tab_rows", encoding="utf-8",
                       damage=Damage()).read_text(encoding="utf-8")
    assert "（六）其他处理\t0" in text and "申请人逾期未按收费通知" not in text
    assert "\n规范性文件\t" in text and "行政规范性文件" not in text


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-16"])
def test_encodings(tmp_path, encoding):
    truth = _truth("2021")
    path = render_text(truth, tmp_path / "r", random.Random(2), style="cell_lines", encoding=encoding)
    assert "三、收到和处理政府信息公开申请情况" in path.read_bytes().decode(encoding)


def test_same_rng_same_file(tmp_path):
    truth = _truth("2019")
    a = render_text(truth, tmp_path / "a", random.Random(9))
    b = render_text(truth, tmp_path / "b", random.Random(9))
    assert a.read_bytes() == b.read_bytes()


def test_title_names_agency_and_year(tmp_path):
    truth = _truth("2021")
    for seed in range(12):
        text = render_text(truth, tmp_path / f"t{seed}", random.Random(seed), style="spaces",
                           encoding="utf-8").read_text(encoding="utf-8")
        head = text.split("一、总体情况")[0]
        assert truth.agency in head.replace(" ", "") and str(truth.year) in head


# ---------------------------------------------------------------- the web-page style

_WEB_FORMS = {
    "crawler_header", "site_navigation", "one_line", "few_lines", "section_lines", "s2:glued", "s3:glued",
    "s3:spaced", "s3:stray_spaces", "s4:spaced", "subheadings", "cover_letter", "no_title", "typo", "missing_row",
    "merged_other", "zero_totals", "part_year", "unit:none", "unit:元", "unit:万元", "long_money", "signed_change",
    "agency:管委会", "agency:county", "agency:bureau", "agency:township", "footer", "ambiguous", "large_volume",
    "group_repeated", "no_signature", "prose_quotes", "blank_rows", "title_without_agency", "blank_totals",
}


def _web_pages(tmp_path, count: int) -> list[tuple[ReportTruth, str]]:
    out = []
    for seed in range(count):
        truth = make_truth(500 + seed, template="2019" if seed % 3 == 0 else None)
        if seed % 6 == 0:
            truth.year = 2019  # the first year of the 2019 template, which some cover in part
        path = render_text(truth, tmp_path / f"w{seed}", random.Random(seed), style="webpage")
        assert path.name == f"w{seed}.webpage.txt"
        out.append((truth, path.read_text(encoding="utf-8")))
    return out


def test_web_pages_show_every_form(tmp_path):
    pages = _web_pages(tmp_path, 80)
    seen = {form for truth, _ in pages for form in truth.forms}
    assert not _WEB_FORMS - seen, f"forms no seed drew: {_WEB_FORMS - seen}"
    # Only a page whose zeros are all blank (its runs' blanks dropped) may outgrow the search
    # of which cells its text leaves ambiguous.
    assert not any("ambiguity_capped" in t.forms and "zeros_blank" not in t.forms for t, _ in pages)


def test_web_page_truth_parses_and_matches_the_text(tmp_path):
    for truth, text in _web_pages(tmp_path, 30):
        again = ReportTruth.from_json(json.loads(json.dumps(truth.to_json(), ensure_ascii=False)))
        assert again == truth
        assert set(truth.ambiguous) <= set(truth.cells)
        flat = re.sub(r"\s", "", text)
        for row, label in (("new", "本年新收政府信息公开申请数量"), ("carried_forward", "结转下年度继续办理")):
            digits = "".join(_printed(truth.cells[f"s3.{row}.{c}"]) for c in (*S3_COLUMNS, "total")
                             if truth.cells[f"s3.{row}.{c}"] is not None)
            assert f"{label}{digits}" in flat, (row, digits)
        review = [_printed(truth.cells[f"s4.review.{c}"]) for c in ("upheld", "corrected", "other", "pending")]
        assert "".join(review) in flat
        # The agency is printed somewhere: title, crawler header, opening, letter or signature.
        assert truth.agency in text or any(a in text for a in truth.agency_aliases)
        assert text.count("\n") < 40, "a web page's text comes on a handful of long lines"


def test_web_page_deviations_in_truth_and_text(tmp_path):
    pages = _web_pages(tmp_path, 80)
    merged = next((t, x) for t, x in pages if "merged_other" in t.forms)
    truth, text = merged
    assert truth.cells["s3.other.no_fee.total"] is None and "s3.other.no_fee.total" in truth.ambiguous
    assert re.search(r"行政机关不再处理其政府信息公开申请\s*3\.其他\s*（七）总计", text)
    missing = next(t for t, x in pages if "missing_row" in t.forms and "规章" not in x.split("二、主动公开")[1][:80])
    assert all(missing.cells[k] is None for k in missing.cells if k.startswith("s2.regulations."))
    truth, text = next((t, x) for t, x in pages if "blank_rows" in t.forms and "typo" not in t.forms)
    flat = re.sub(r"\s", "", text)
    rows = [r for r in layout_for(truth.template).section("s3").rows if f"s3.{r.key}.total" in truth.cells]
    blank = [i for i, r in enumerate(rows[:-1]) if all(truth.cells[k] is None for k in r.cell_keys())]
    assert blank
    for i in blank:  # nothing but labels between a blank row's label and the next row's
        start = flat.index(rows[i].labels[0].text) + len(rows[i].labels[0].text)
        assert not re.search(r"\d", flat[start:flat.index(rows[i + 1].labels[0].text, start)])
    zero = next(t for t, _ in pages if "zero_totals" in t.forms)
    assert all(not v for k, v in zero.cells.items() if k.startswith("s3.") and k.endswith(".total"))
    assert zero.broken or all(not v for k, v in zero.cells.items() if k.startswith("s3."))


def test_runs_split_by_the_relations():
    layout = layout_for("2021")
    truth = make_truth(3, template="2021")
    cells = dict(truth.cells)
    row = [f"s3.new.{c}" for c in (*S3_COLUMNS, "total")]
    cells.update(zip(row, [71, 3, 0, 0, 0, 0, 74], strict=True))
    cells.update({"s3.carried_over." + c: 0 for c in (*S3_COLUMNS, "total")})
    s2 = ("s2.normative_docs.issued", "s2.normative_docs.repealed", "s2.normative_docs.in_force")
    cells.update(zip(s2, [13, 0, 13], strict=True))
    runs = [Run("s3", tuple(row), "713000074"), Run("s2", s2, "13013"),
            Run("s2", ("s2.regulations.issued", "s2.regulations.repealed", "s2.regulations.in_force"), "000")]
    cells.update({k: 0 for k in runs[2].keys})
    found = ambiguous_keys(layout, cells, runs)
    # The row sum fixes 71/3/…/74; nothing ties 13013 (13/0/13, 1/30/13, 130/1/3 …); 000 is forced.
    assert found.keys == list(s2) and not found.capped
    spaced = ambiguous_keys(layout, cells, [Run("s2", s2, "13 0 13")])
    assert spaced.keys == []
    # Prose stating two of the three (现行有效…13件，新制发…13件) leaves one split.
    quoted = ambiguous_keys(layout, cells, runs[1:2], {s2[0]: 13, s2[2]: 13})
    assert quoted.keys == []


def test_ambiguity_uses_the_relations_across_rows():
    """Two rows that each split two ways; the column relations keep one reading of both."""
    layout = layout_for("2021")
    cols = (*S3_COLUMNS, "total")
    cells: dict[str, Value] = {k: 0 for k in make_truth(3, template="2021").cells if k.startswith("s3.")}
    for row, values in (("new", [1, 10, 0, 0, 0, 0, 11]), ("granted", [1, 10, 0, 0, 0, 0, 11]),
                        ("total", [1, 10, 0, 0, 0, 0, 11])):
        cells.update({f"s3.{row}.{c}": v for c, v in zip(cols, values, strict=True)})
    rows = [Run("s3", tuple(f"s3.{r}.{c}" for c in cols), "110000011") for r in ("new", "granted", "total")]
    alone = ambiguous_keys(layout, cells, rows[:1])  # 1/10/… or 11/0/… both sum to 11
    assert "s3.new.natural_person" not in alone.keys  # fixed by the other rows' printed values
    together = ambiguous_keys(layout, cells, rows)
    assert {"s3.new.natural_person", "s3.new.enterprise"} <= set(together.keys)


def test_a_blank_a_run_leaves_no_trace_of_may_stand_anywhere():
    """Six zeros for a row of seven: any of the seven may be the blank; a row of section 三
    printing one value prints its 总计 (seed 004's habit)."""
    layout = layout_for("2021")
    cells: dict[str, Value] = {k: 0 for k in make_truth(3, template="2021").cells if k.startswith("s3.")}
    row = tuple(f"s3.denied.security.{c}" for c in (*S3_COLUMNS, "total"))
    cells[row[4]] = None
    found = ambiguous_keys(layout, cells, [Run("s3", row, "000000", blanks=1)])
    assert found.keys == list(row) and not found.capped
    assert ambiguous_keys(layout, cells, [Run("s3", row, "0 0 0 0 0 0", blanks=1)]).keys == list(row)
    cells.update({k: None for k in row[:-1]})
    assert ambiguous_keys(layout, cells, [Run("s3", row, "0", blanks=6)]).keys == []
    # Seven zeros printed leave no blank to place.
    cells.update({k: 0 for k in row})
    assert ambiguous_keys(layout, cells, [Run("s3", row, "0000000")]).keys == []


@pytest.mark.parametrize("style", ["run_together", "spaces"])
def test_flat_styles_list_the_blanks_they_hide(tmp_path, style):
    truth = _truth("2021")
    row = [f"s3.denied.security.{c}" for c in (*S3_COLUMNS, "total")]
    truth.cells.update({k: 0 for k in row})
    truth.cells[row[2]] = None
    truth.ambiguous = []
    render_text(truth, tmp_path / "r", random.Random(3), style=style, encoding="utf-8")
    assert set(row) <= set(truth.ambiguous) and "ambiguous" in truth.forms
    placed = _truth("2021")
    placed.cells.update({k: 0 for k in row})
    placed.cells[row[2]] = None
    render_text(placed, tmp_path / "t", random.Random(3), style="tab_rows", encoding="utf-8")
    assert not set(row) & set(placed.ambiguous)


def test_line_styles_never_draw_the_web_page(tmp_path):
    truth = _truth("2021")
    names = {render_text(truth, tmp_path / f"d{seed}", random.Random(seed)).name.split(".")[1] for seed in range(30)}
    assert names <= set(STYLES)


def _brute_force(text: str, count: int) -> set[tuple[int, ...]]:
    """Every way to cut a digit string into `count` numbers without leading zeros."""
    out = set()
    for cuts in itertools.combinations(range(1, len(text)), count - 1):
        parts = [text[a:b] for a, b in zip((0, *cuts), (*cuts, len(text)), strict=True)]
        if all(p == "0" or not p.startswith("0") for p in parts):
            out.add(tuple(int(p) for p in parts))
    return out


def test_pruned_splits_equal_brute_force():
    """The splitter's early cuts (a total chosen first, addends bounded by it) lose no split."""
    layout = layout_for("2021")
    columns = {row.cell_key(c): c for row in layout.rows() for c in row.columns}
    keys = tuple(f"s3.new.{c}" for c in (*S3_COLUMNS, "total"))
    group = tuple(f"s4.{g}.{c}" for g in ("review", "suit_direct", "suit_after_review")
                  for c in ("upheld", "corrected", "other", "pending", "total"))
    relations = expand_relations(layout, [*keys, *group])
    row_sum = [r for r in relations if r.id == "s3.row_sum.new"]
    s4_sums = [r for r in relations if r.id.startswith("s4.row_sum.")]
    rng = random.Random(4)
    for _ in range(150):
        values = [rng.choice([0, 0, 1, 3, 12, 45, 230, 1500]) for _ in range(6)]
        text = "".join(map(str, [*values, sum(values)]))
        want = {c for c in _brute_force(text, 7) if c[-1] == sum(c[:-1])}
        got = run_candidates(Run("s3", keys, text), columns, row_sum)
        assert got is not None and set(got) == want and tuple([*values, sum(values)]) in want
    for _ in range(40):
        printed = []
        for _ in range(3):
            parts = [rng.choice([0, 0, 0, 1, 2, 11]) for _ in range(4)]
            printed += [*parts, sum(parts)]
        text = "".join(map(str, printed))
        sums = [(5 * g + 4, range(5 * g, 5 * g + 4)) for g in range(3)]
        want = {c for c in _brute_force(text, 15) if all(c[t] == sum(c[p] for p in ps) for t, ps in sums)}
        got = run_candidates(Run("s4", group, text), columns, s4_sums)
        assert got is not None and set(got) == want and tuple(printed) in want


def test_pipe_tables_come_in_both_forms_of_the_wild(tmp_path):
    """Word's text export (placeholders of merged cells, runs of empty cells on one line) and a
    crawler's (seed 001: each row's values right after its label, the row closed by bars
    padding it to the table's widest)."""
    padded = 0
    for seed in range(12):
        path = render_text(make_truth(seed), tmp_path / f"r{seed}", random.Random(seed), style="pipe",
                           encoding="utf-8", damage=Damage())
        lines = [line.strip().replace("\uff5c", "|") for line in path.read_text(encoding="utf-8").splitlines()]
        start = next(i for i, line in enumerate(lines) if line.startswith("一、本年新收"))
        # The crawler's row: the label, seven cells (a blank one a lone bar), then its closing bars.
        closing = lines[start + 8]
        padded += bool(closing) and set(closing) == {"|"} and all(line.endswith("|") for line in lines[start:start + 8])
    assert 3 <= padded <= 9, padded
