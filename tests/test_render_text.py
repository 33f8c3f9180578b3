"""The text renderer: every style prints every value of the truth, as real reports do."""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import replace

import pytest

from tests.bench.render_text import STYLES, Damage, render_text
from tests.bench.truth import ReportTruth, make_truth

_TABLES = re.compile(r"二、主动公开政府信息情况(.*)五、", re.S)


def _truth(template: str) -> ReportTruth:
    return make_truth(11, template=template)


def _tables(text: str) -> str:
    match = _TABLES.search(text)
    assert match, "no tables in the text"
    return match.group(1)


def _printed(value: object) -> str:
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
