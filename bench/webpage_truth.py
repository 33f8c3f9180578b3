"""What a crawled web page prints differently from the template, said in the truth.

The web-page style draws, per document, the deviations real crawled reports show (a missing
row, （六）其他处理 as one merged row under its three labels, 总计 printed 0 on every row,
money with many decimals, the 2019 procurement amount without a unit, the agency named as a
管委会 or a county government) and changes the truth so that it says exactly what is printed.
"""

from __future__ import annotations

import random
from decimal import Decimal

from bench.plant import left_out_rows
from bench.truth import S3_COLUMNS, ReportTruth, layout_for
from ingest.layouts import expand_relations

_PLACES = ["南充", "岳阳", "金华", "韶关", "临沂", "双鸭山", "袁州", "卫辉"]
_ZONES = ["经济技术开发区", "高新技术产业开发区", "综合实验区", "新区", "工业园区"]
_COUNTIES = ["彭阳县", "卫辉市", "綦江区", "袁州区", "涪陵区", "岚县", "永和县"]
OTHER_SUBROWS = ("other.no_fee", "other.other")


def _draw_agency(truth: ReportTruth, rng: random.Random) -> str | None:
    """Sometimes another kind of body than make_truth draws: a 管委会 or a county government."""
    roll = rng.random()
    if roll < 0.15:
        place = rng.choice(_PLACES) + rng.choice(_ZONES)
        truth.agency = place + "管委会"
        truth.agency_aliases = [place + "管理委员会"]
        truth.scale = "county"
        return "管委会"
    if roll < 0.3:
        truth.agency = rng.choice(_COUNTIES) + "人民政府"
        truth.scale = "county"
        return "county"
    return "bureau" if truth.agency.endswith(("局", "委员会", "办公室")) else "township"


def _fill_partial_blanks(truth: ReportTruth) -> None:
    """A blank cell among printed ones leaves no trace once cells run together: print 0 there.
    A row blank throughout stays blank (nothing follows its label)."""
    layout = layout_for(truth.template)
    for row in layout.rows():
        columns = {row.cell_key(c): c for c in row.columns if row.cell_key(c) in truth.cells}
        if any(truth.cells[k] is not None for k in columns):
            for k, column in columns.items():
                if truth.cells[k] is None:
                    truth.cells[k] = Decimal(0) if column.type == "decimal" else 0


def _money(rng: random.Random, big: bool) -> Decimal:
    """Amounts as pages print them: 9116.36, 24252.311082, 75394432.52."""
    whole = rng.randint(1, 99_999_999 if big else 99_999)
    places = rng.choice([1, 2, 2, 2, 4, 6])
    return Decimal(f"{whole}.{rng.randint(1, 10 ** places - 1):0{places}d}")


def _large_volume(truth: ReportTruth, rng: random.Random) -> None:
    """A city department's hundreds or thousands of requests: added to 自然人 (and 商业企业)
    on the new-requests row and spread over outcome rows, so that every relation keeps its state."""
    outcomes = [r.key for r in layout_for(truth.template).section("s3").rows
                if f"s3.{r.key}.total" in truth.cells and r.key not in ("new", "carried_over", "total",
                                                                          "carried_forward")]
    for column, top in (("natural_person", 9999), ("enterprise", rng.choice([0, 99, 999]))):
        extra = rng.randint(top // 10, top) if top else 0
        weights = [20.0 if r == "granted" else 4.0 if r in ("partly_granted", "unable.not_held") else 0.3
                   for r in outcomes]
        shares = [rng.random() * w for w in weights]
        parts = [int(extra * x / sum(shares)) for x in shares]
        parts[outcomes.index("granted")] += extra - sum(parts)
        for row, add in [("new", extra), ("total", extra), *zip(outcomes, parts, strict=True)]:
            for key in (f"s3.{row}.{column}", f"s3.{row}.total"):
                truth.cells[key] = int(truth.cells[key] or 0) + add


def apply_deviations(truth: ReportTruth, rng: random.Random) -> None:
    """Draw this page's deviations; the truth afterwards says what the page prints."""
    forms = [f"agency:{_draw_agency(truth, rng)}"]
    _fill_partial_blanks(truth)
    if rng.random() < 0.2:
        _large_volume(truth, rng)
        forms.append("large_volume")
    if rng.random() < 0.12 and "s2.regulations" not in left_out_rows(truth):
        for key in [k for k in truth.cells if k.startswith("s2.regulations.")]:
            truth.cells[key] = None
        forms.append("missing_row")
    subrows = all(f"s3.{r}.total" in truth.cells for r in OTHER_SUBROWS)
    if subrows and rng.random() < 0.15:
        # One rowspan=3 value row under the three labels: read as the first sub-row's values.
        for col in [*S3_COLUMNS, "total"]:
            keys = [f"s3.other.no_correction.{col}", *(f"s3.{r}.{col}" for r in OTHER_SUBROWS)]
            truth.cells[keys[0]] = sum(int(truth.cells[k] or 0) for k in keys)
            for k in keys[1:]:
                truth.cells[k] = None
        truth.ambiguous += [f"s3.{r}.{c}" for r in OTHER_SUBROWS for c in [*S3_COLUMNS, "total"]]
        forms.append("merged_other")
    zero_rows = [r.key for r in layout_for(truth.template).section("s3").rows
                 if f"s3.{r.key}.total" in truth.cells
                 and all(truth.cells[f"s3.{r.key}.{c}"] == 0 for c in [*S3_COLUMNS, "total"])]
    if zero_rows and rng.random() < 0.15:
        # Rows of nothing but zeros left blank: nothing follows their labels.
        for row in rng.sample(zero_rows, k=min(len(zero_rows), rng.randint(1, 3))):
            for col in [*S3_COLUMNS, "total"]:
                truth.cells[f"s3.{row}.{col}"] = None
        forms.append("blank_rows")
    totals = rng.random()
    if totals < 0.12 and "large_volume" not in forms:  # small bodies' habits
        # 总计 printed 0 on every row, or left blank (a reader then sees six numbers a row).
        blank = totals < 0.04
        for key in [k for k in truth.cells if k.startswith("s3.") and k.endswith(".total")]:
            if truth.cells[key] is not None:  # a row not printed stays blank
                truth.cells[key] = None if blank else 0
        forms.append("blank_totals" if blank else "zero_totals")
    if rng.random() < 0.3:
        key = "s2.fees.amount" if truth.template == "2021" else "s2.procurement.amount"
        truth.cells[key] = _money(rng, big=truth.template == "2019")
        if truth.template == "2019":
            truth.cells["s2.procurement.items"] = rng.randint(1, 400)
        forms.append("long_money")
    if truth.template == "2019":
        truth.procurement_unit = rng.choice(["元", "万元", None])
        forms.append(f"unit:{truth.procurement_unit or 'none'}")
        if any(truth.cells[k] for k in truth.cells if k.endswith(".change")):
            forms.append("signed_change")
    layout = layout_for(truth.template)
    truth.broken = [r.id for r in expand_relations(layout, truth.cells.keys())
                    if sum(truth.cells[k] or 0 for k in r.left) != sum(truth.cells[k] or 0 for k in r.right)]
    truth.forms += forms
