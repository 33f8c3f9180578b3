"""The consistency relations (勾稽关系) of a template, expanded and evaluated."""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase

from ingest.layouts import RelationLayout, TemplateLayout
from ingest.models import CellReading, CheckResult, Number


@dataclass(frozen=True)
class Relation:
    """sum(left) == sum(right) over concrete cell keys."""

    id: str
    left: tuple[str, ...]
    right: tuple[str, ...]

    def all_keys(self) -> tuple[str, ...]:
        return self.left + self.right


def _range(layout: TemplateLayout, spec: str | tuple[str, ...]) -> tuple[str, ...]:
    if isinstance(spec, tuple):
        return spec
    kind, _, section_id = spec.partition(":")
    section = layout.section(section_id)
    if kind == "rows":
        return tuple(row.key for row in section.rows)
    if kind == "columns":
        return tuple(col.key for col in section.columns)
    raise ValueError(f"unknown range {spec!r} in template {layout.template}")


def _expand_side(patterns: tuple[str, ...], binding: dict[str, str], keys: Collection[str]) -> list[str]:
    out: list[str] = []
    for pattern in patterns:
        concrete = pattern.format(**binding)
        if "*" in concrete:
            out.extend(sorted(k for k in keys if fnmatchcase(k, concrete)))
        elif concrete in keys:
            out.append(concrete)
    return out


def _instances(layout: TemplateLayout, rel: RelationLayout, keys: Collection[str]) -> list[Relation]:
    names = [name for name, _ in rel.loop]
    ranges = [_range(layout, spec) for _, spec in rel.loop]
    out = []
    for values in itertools.product(*ranges):
        binding = dict(zip(names, values, strict=True))
        left = _expand_side(rel.left, binding, keys)
        right = _expand_side(rel.right, binding, keys)
        if left and right:
            out.append(Relation(rel.id.format(**binding), tuple(left), tuple(right)))
    return out


def expand_relations(layout: TemplateLayout, keys: Collection[str]) -> list[Relation]:
    """Every relation of the template over the cell keys present."""
    return [inst for rel in layout.relations for inst in _instances(layout, rel, keys)]


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
