"""The consistency relations (勾稽关系) of a template evaluated on the mapped cells."""

from __future__ import annotations

from collections.abc import Mapping

from ingest.layouts import Relation, TemplateLayout, expand_relations
from ingest.models import CellReading, CheckResult, Number


def _fmt(value: Number | None) -> str:
    return "—" if value is None else str(value)


def evaluate(relation: Relation, cells: Mapping[str, CellReading]) -> CheckResult:
    """Whether the printed values satisfy the relation. A blank cell among printed ones counts
    as 0 (reports leave zeros blank); a side printed wholly blank while the other is not zero
    (总计 left blank on detail rows) is not a zero: the relation does not apply there."""
    left = [cells[k].value for k in relation.left]
    right = [cells[k].value for k in relation.right]
    detail = f"{' + '.join(map(_fmt, left))} = {' + '.join(map(_fmt, right))}"
    keys, left_keys = list(relation.all_keys()), list(relation.left)
    if all(v is None for v in left + right):
        return CheckResult(relation.id, True, detail + " (all blank)", keys, left=left_keys, applies=False)
    lsum = sum((v for v in left if v is not None), start=0)
    rsum = sum((v for v in right if v is not None), start=0)
    if lsum == rsum:
        return CheckResult(relation.id, True, detail, keys, left=left_keys)
    if all(v is None for v in left) or all(v is None for v in right):
        return CheckResult(relation.id, True, detail + " (one side blank: does not apply)", keys, left=left_keys,
                           applies=False)
    return CheckResult(relation.id, False, f"{detail} ({lsum} ≠ {rsum})", keys, left=left_keys)


def run_checks(layout: TemplateLayout, cells: Mapping[str, CellReading]) -> list[CheckResult]:
    """Every relation of the template evaluated on the mapped cells."""
    return [evaluate(rel, cells) for rel in expand_relations(layout, cells.keys())]
