"""A report's truth: template, agency, year and every cell, drawn from a seed.

Values are realistic (townships mostly 0 and small numbers, city departments tens to
thousands), some cells are printed blank, and about one report in five breaks one of
the template's relations, as real ones do.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ingest.layouts import TemplateLayout, expand_relations, load_layouts
from ingest.settings import load_settings

Value = int | Decimal | None

_PROVINCES = ["重庆市", "河南省", "江西省", "宁夏回族自治区", "四川省", "湖南省", "浙江省", "广东省", "山东省",
              "黑龙江省"]
_CITIES = ["綦江区", "卫辉市", "袁州区", "彭阳县", "南充市", "岳阳市", "金华市", "韶关市", "临沂市", "双鸭山市",
           "涪陵区"]
_PLACES = ["郭扶", "慈化", "白阳", "孙杏村", "东方红", "青山", "石门", "龙泉", "桃源", "清河", "古城", "新华",
           "长乐", "永安"]
_TOWN_KINDS = ["镇人民政府", "乡人民政府", "街道办事处", "镇", "乡"]
_DEPARTMENTS = ["自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "市场监督管理局", "卫生健康委员会",
                "教育局", "公安局", "人力资源和社会保障局", "农业农村局", "人民政府办公室"]
S3_COLUMNS = ["natural_person", "enterprise", "research", "public_interest", "legal_service", "other_org"]


@dataclass
class ReportTruth:
    seed: int
    template: str
    agency: str
    year: int
    scale: str  # township | county | city
    cells: dict[str, Value]
    deviations: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    # Unit printed for s2.procurement.amount (2019 template).
    procurement_unit: str | None = None
    # Keys the printed text alone cannot fix (bench/splits.py): not scored, must be flagged.
    ambiguous: list[str] = field(default_factory=list)
    # Other names the document prints for the agency, each as right as `agency`.
    agency_aliases: list[str] = field(default_factory=list)
    # What the renderer printed that a breakdown should show (the web-page style's forms).
    forms: list[str] = field(default_factory=list)
    # Per section, the longest run of glued digits printed: {"chars", "cells", "splits_log10"}.
    runs: dict[str, dict[str, float]] = field(default_factory=dict)
    # Findings planted by bench/plant.py: {"kind", "ref"} each.
    planted: list[dict[str, str]] = field(default_factory=list)
    # Whether renderers plant findings in the text (`--findings` corpora only; not saved).
    plant: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "template": self.template,
            "agency": self.agency,
            "year": self.year,
            "scale": self.scale,
            "deviations": self.deviations,
            "broken": self.broken,
            "procurement_unit": self.procurement_unit,
            "ambiguous": self.ambiguous,
            "agency_aliases": self.agency_aliases,
            "forms": self.forms,
            "runs": self.runs,
            "planted": self.planted,
            "cells": {k: (float(v) if isinstance(v, Decimal) else v) for k, v in self.cells.items()},
        }

    @staticmethod
    def from_json(raw: dict[str, Any]) -> ReportTruth:
        cells: dict[str, Value] = {
            k: (Decimal(str(v)) if isinstance(v, float) else v) for k, v in raw["cells"].items()
        }
        # Truths written by hand (real reports) may lack the generator's seed and scale.
        return ReportTruth(raw.get("seed", 0), raw["template"], raw["agency"], raw["year"], raw.get("scale", ""), cells,
                           raw.get("deviations", []), raw.get("broken", []), raw.get("procurement_unit"),
                           raw.get("ambiguous", []), raw.get("agency_aliases", []), raw.get("forms", []),
                           raw.get("runs", {}), planted=raw.get("planted", []))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")


def layout_for(template: str) -> TemplateLayout:
    for layout in load_layouts(load_settings().layouts_dir):
        if layout.template == template:
            return layout
    raise KeyError(template)


def _agency(rng: random.Random) -> tuple[str, str]:
    roll = rng.random()
    city = rng.choice(_CITIES)
    if roll < 0.6:
        name = rng.choice(_PLACES) + rng.choice(_TOWN_KINDS)
        return ("township", (rng.choice(["", city, rng.choice(_PROVINCES) + city]) + name))
    scale = "county" if roll < 0.85 else "city"
    return scale, rng.choice(["", rng.choice(_PROVINCES)]) + city + rng.choice(_DEPARTMENTS)


def _count(rng: random.Random, scale: str, zero_share: float = 0.6) -> int:
    if rng.random() < zero_share:
        return 0
    top = {"township": 6, "county": 60, "city": 2500}[scale]
    return int(rng.paretovariate(1.2)) % (top + 1)


def _split(rng: random.Random, total: int, parts: int, weights: list[float]) -> list[int]:
    out = [0] * parts
    for _ in range(total):
        out[rng.choices(range(parts), weights)[0]] += 1
    return out


def make_truth(seed: int, template: str | None = None) -> ReportTruth:
    """A realistic report's truth from a seed (same seed, same report)."""
    rng = random.Random(seed)
    scale, agency = _agency(rng)
    year = rng.randint(2019, 2024)
    if template is None:
        template = "2019" if year <= 2020 or rng.random() < 0.12 else "2021"
    layout = layout_for(template)
    cells: dict[str, Value] = {}
    deviations: list[str] = []

    # Section 二
    for row in layout.section("s2").rows:
        for column in row.columns:
            key = row.cell_key(column)
            if column.type == "decimal":
                cents = 0 if rng.random() < 0.7 else rng.randint(1, 50000)
                cells[key] = Decimal(cents) / 100 if cents else Decimal(0)
            elif column.signed:
                cells[key] = rng.choice([0, 0, 0, 1, 2, -1, -3, 5])
            else:
                cells[key] = _count(rng, scale, 0.7 if row.key in ("regulations", "normative_docs") else 0.4)
    # Section 三: outcomes per column, then the balance.
    single_other = template == "2021" and rng.random() < 0.08
    outcome_rows = [r.key for r in layout.section("s3").rows
                    if r.key not in ("new", "carried_over", "total", "carried_forward") and r.deviation is None]
    if single_other:
        outcome_rows = [r for r in outcome_rows if not r.startswith("other.")] + ["other"]
        deviations.append("s3.other single row")
    weights = [30.0 if r == "granted" else 6.0 if r in ("partly_granted", "unable.not_held") else 1.0
               for r in outcome_rows]
    active = S3_COLUMNS if scale != "township" or rng.random() < 0.5 else ["natural_person"]
    for col in S3_COLUMNS:
        new = _count(rng, scale, 0.5) if col in active else 0
        if col != "natural_person":
            new //= 4
        carried = _count(rng, scale, 0.8) if col in active and new else 0
        forward = rng.randint(0, min(3, new + carried)) if new + carried else 0
        handled = new + carried - forward
        outs = _split(rng, handled, len(outcome_rows), weights)
        cells[f"s3.new.{col}"] = new
        cells[f"s3.carried_over.{col}"] = carried
        for r, v in zip(outcome_rows, outs, strict=True):
            cells[f"s3.{r}.{col}"] = v
        cells[f"s3.total.{col}"] = handled
        cells[f"s3.carried_forward.{col}"] = forward
    for r in ["new", "carried_over", *outcome_rows, "total", "carried_forward"]:
        cells[f"s3.{r}.total"] = sum(int(cells[f"s3.{r}.{c}"] or 0) for c in S3_COLUMNS)
    # Section 四
    for group in ("review", "suit_direct", "suit_after_review"):
        parts = [_count(rng, scale, 0.85) // (1 if scale == "city" else 3) for _ in range(4)]
        for col, v in zip(("upheld", "corrected", "other", "pending"), parts, strict=True):
            cells[f"s4.{group}.{col}"] = v
        cells[f"s4.{group}.total"] = sum(parts)

    truth = ReportTruth(seed, template, agency, year, scale, _ordered(layout, cells), deviations)
    if template == "2021" and rng.random() < 0.06:
        truth.deviations.append("s2 规范性文件 label (2019)")
    if template == "2019":
        truth.procurement_unit = rng.choice(["万元", "元"])
    _blank_some(rng, truth)
    if rng.random() < 0.2:
        _break_one(rng, truth, layout)
    return truth


def _ordered(layout: TemplateLayout, cells: dict[str, Value]) -> dict[str, Value]:
    keys = [k for row in layout.rows() for k in row.cell_keys() if k in cells]
    return {k: cells[k] for k in keys}


_ZEROS_BLANK = 0.1


def _blank_some(rng: random.Random, truth: ReportTruth) -> None:
    """Print some zero cells blank, as real reports do (only zeros: blanks count as 0)."""
    roll = rng.random()
    zero_keys = [k for k, v in truth.cells.items() if v == 0]
    if roll < 0.08:
        # Only the 总计 column of section 三 filled in (seed 004).
        for k in zero_keys:
            if k.startswith("s3.") and not k.endswith(".total"):
                truth.cells[k] = None
    elif roll < 0.25:
        for k in rng.sample(zero_keys, k=min(len(zero_keys), rng.randint(1, 6))):
            truth.cells[k] = None
    if truth.template == "2019" and rng.random() < 0.4:
        truth.cells["s2.procurement.items"] = None
        truth.cells["s2.procurement.amount"] = None
    # Every zero of the request and appeal tables left blank (上海市人民政府办公厅 2019: a
    # table of 150 cells printing 45 numbers), drawn apart so that other reports keep theirs.
    if random.Random(f"{truth.seed}/zeros blank").random() < _ZEROS_BLANK:
        for k in zero_keys:
            if k.startswith(("s3.", "s4.")):
                truth.cells[k] = None
        truth.forms.append("zeros_blank")


def _break_one(rng: random.Random, truth: ReportTruth, layout: TemplateLayout) -> None:
    """Make one printed value disagree with a relation."""
    relations = expand_relations(layout, truth.cells.keys())
    rel = rng.choice(relations)
    key = rng.choice(rel.left)
    old = truth.cells[key] or 0
    truth.cells[key] = int(old) + rng.choice([1, 2, 3, 10])
    truth.broken.append(rel.id)
