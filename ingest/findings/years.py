"""Findings across a body's years: what year N carries forward is what year N+1 carries over,
the 行政规范性文件 in force follow from last year's, and no year is missing between two present."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import product

from ingest.findings.rules import FindingRules, pending_note
from ingest.labels import nfkc
from ingest.models import AGENCY_FIELD, YEAR_FIELD, Finding, Number

S3_COLUMNS = ("natural_person", "enterprise", "research", "public_interest", "legal_service", "other_org", "total")
COLUMN_ZH = {"natural_person": "自然人", "enterprise": "商业企业", "research": "科研机构",
             "public_interest": "社会公益组织", "legal_service": "法律服务机构", "other_org": "其他法人或其他组织",
             "total": "总计"}
# The end of a name that says what kind of office it is, not which body.
_OFFICE_SUFFIX = re.compile(r"(?:党工委管委会|管理委员会|管委会|人民政府|政府|办事处)$")
_NOT_NAME = re.compile(r"[\s\W_]+")


@dataclass(frozen=True)
class YearReport:
    """What the cross-year checks need of one result."""

    file: str
    agency: str
    year: int
    template: str
    values: Mapping[str, Number | None]
    # The reader was unsure of the agency's name (listed for review): it joins only a body another
    # report names the same way, with certainty.
    name_unsure: bool = False
    # Cells read but listed for review: a finding on them is pending that review.
    unsure: frozenset[str] = frozenset()
    # The year was listed for review: its findings are pending too.
    year_unsure: bool = False
    # Of cells of digits run together, every value a cut of the table gives them (None: blank).
    could_be: Mapping[str, frozenset[Number | None]] = field(default_factory=dict)
    # Unsure cells whose misreading may explain a relation of the report broken as read: their
    # value is not one to hold another year to.
    suspect: frozenset[str] = frozenset()

    def pending(self, keys: Iterable[str]) -> list[str]:
        """`file:key` of each of the keys (and of the agency and year) this report is unsure of."""
        own = ([k for k in keys if k in self.unsure] + ([AGENCY_FIELD] if self.name_unsure else [])
               + ([YEAR_FIELD] if self.year_unsure else []))
        return [f"{self.file}:{k}" for k in own]


def body_key(agency: str) -> str:
    """A body's name with spacing, punctuation and the office word (人民政府, 办事处, 管委会 and
    its full form 管理委员会) removed."""
    return _OFFICE_SUFFIX.sub("", _NOT_NAME.sub("", nfkc(agency)))


def group_bodies(reports: Iterable[YearReport]) -> dict[str, list[YearReport]]:
    """Reports by body. A shorter name joins the one longer name that ends with it (白阳镇 and
    彭阳县白阳镇), never when several do (教育局 of two counties). A name read unsure joins a
    name read sure the same way, or the body named surely by the end of it when no other name
    ends so (a province prefixed: 四川省彭阳县龙泉镇 and 龙泉镇); unsure names alike are one body.
    Findings on a name read unsure are pending its review."""
    groups: dict[str, list[YearReport]] = {}
    unsure: dict[str, list[YearReport]] = {}
    for report in reports:
        (unsure if report.name_unsure else groups).setdefault(body_key(report.agency), []).append(report)
    merged_into = {key: key for key in groups}
    for short in sorted(groups, key=len):
        longer = [k for k in groups if k != short and k.endswith(short)]
        # An unsure name ending so that is not the longer one's may be a third body.
        rivals = [k for k in unsure if k != short and k.endswith(short)
                  and not (longer and (k.endswith(longer[0]) or longer[0].endswith(k)))]
        if len(longer) == 1 and not rivals and len(short) >= 3:
            groups[longer[0]] += groups.pop(short)
            merged_into = {k: longer[0] if v == short else v for k, v in merged_into.items()}
    named_surely = list(groups)
    for key, members in unsure.items():
        longer = [k for k in named_surely if k.endswith(key)] if len(key) >= 3 else []
        # The body named by the end of this name, if no other longer name ends like it.
        names = set(merged_into) | set(unsure)
        shorter = {merged_into[k] for k in merged_into if len(k) >= 3 and key.endswith(k) and k != key
                   and not any(n not in (k, key) and n.endswith(k) for n in names)}
        if key in merged_into:
            groups[merged_into[key]] += members
        elif len(longer) == 1:
            groups[longer[0]] += members
        elif not longer and len(shorter) == 1:
            groups[shorter.pop()] += members
        else:  # no body named so surely: the reports named the same way, unsure, are one body
            groups.setdefault(f"?{key}", []).extend(members)
    return groups


def _differs(a: Number | None, b: Number | None) -> bool:
    return a is not None and b is not None and Decimal(a) != Decimal(b)


def _may_agree(last: YearReport, forward_key: str, this: YearReport, over_key: str) -> bool:
    """Whether another cut of digits run together in either report makes the two agree."""
    forward = last.could_be.get(forward_key, frozenset({last.values.get(forward_key)}))
    over = this.could_be.get(over_key, frozenset({this.values.get(over_key)}))
    return any(not _differs(a, b) for a in forward for b in over)


def _carried(rules: FindingRules, last: YearReport, this: YearReport) -> list[Finding]:
    out = []
    for col in S3_COLUMNS:
        forward_key, over_key = f"s3.carried_forward.{col}", f"s3.carried_over.{col}"
        forward, over = last.values.get(forward_key), this.values.get(over_key)
        if forward_key in last.suspect or over_key in this.suspect:
            continue
        if _differs(forward, over) and not _may_agree(last, forward_key, this, over_key):
            pending = last.pending([forward_key]) + this.pending([over_key])
            message = (f"{this.year}年报告“上年结转政府信息公开申请数量”（{COLUMN_ZH[col]}）为{over}，"
                       f"而{last.year}年报告“结转下年度继续办理”为{forward}{pending_note(pending)}")
            out.append(rules.finding("carried_over_mismatch", message, ref=col, reports=[last.file, this.file],
                                     cells=[over_key, forward_key], pending=pending))
    return out


def _in_force_may_hold(last: YearReport, this: YearReport, row: str) -> bool:
    """Whether other cuts of digits run together (in either report) make this year's in-force
    count last year's plus issued minus repealed."""
    def could(report: YearReport, key: str) -> frozenset[Number | None]:
        return report.could_be.get(key, frozenset({report.values.get(key)}))

    keys = [f"s2.{row}.{c}" for c in ("issued", "repealed", "in_force")]
    for before, issued, repealed, now in product(could(last, keys[2]), *(could(this, k) for k in keys)):
        if before is not None and issued is not None and repealed is not None and now is not None \
                and Decimal(before) + Decimal(issued) - Decimal(repealed) == Decimal(now):
            return True
    return False


def _in_force(rules: FindingRules, last: YearReport, this: YearReport) -> list[Finding]:
    if last.template != rules.in_force_template or this.template != rules.in_force_template:
        return []
    out = []
    for row, name in rules.in_force_rows.items():
        before = last.values.get(f"s2.{row}.in_force")
        issued, repealed, now = (this.values.get(f"s2.{row}.{c}") for c in ("issued", "repealed", "in_force"))
        if before is None or issued is None or repealed is None or now is None:
            continue
        expected = Decimal(before) + Decimal(issued) - Decimal(repealed)
        if expected != Decimal(now) and not _in_force_may_hold(last, this, row):
            keys = [f"s2.{row}.{c}" for c in ("issued", "repealed", "in_force")]
            pending = last.pending([f"s2.{row}.in_force"]) + this.pending(keys)
            message = (f"{this.year}年报告{name}现行有效件数为{now}，而{last.year}年的{before}件加本年制发{issued}件"
                       f"减本年废止{repealed}件应为{expected}件{pending_note(pending)}")
            out.append(rules.finding("in_force_mismatch", message, ref=row, reports=[last.file, this.file],
                                     cells=keys, pending=pending))
    return out


def _missing_years(rules: FindingRules, reports: list[YearReport]) -> list[Finding]:
    years = sorted({r.year for r in reports})
    ordered = sorted(reports, key=lambda r: r.year)
    missing = [y for y in range(years[0], years[-1] + 1) if y not in years] if years else []
    pending = [p for r in ordered for p in r.pending([])]
    return [rules.finding("year_missing", f"{reports[0].agency}有{years[0]}年至{years[-1]}年的报告，缺少{y}年度报告"
                          f"{pending_note(pending)}", ref=str(y), reports=[r.file for r in ordered], pending=pending)
            for y in missing]


def cross_year_findings(rules: FindingRules, reports: Iterable[YearReport]) -> list[Finding]:
    """Every break between consecutive years of each body, and every year missing between two."""
    out: list[Finding] = []
    for group in group_bodies(reports).values():
        by_year: dict[int, list[YearReport]] = {}
        for report in group:
            by_year.setdefault(report.year, []).append(report)
        for year in sorted(by_year):
            for last, this in product(by_year[year], by_year.get(year + 1, [])):
                out += _carried(rules, last, this) + _in_force(rules, last, this)
        out += _missing_years(rules, group)
    return out
