"""The report templates, loaded from the data files in `layouts/`, and their relations expanded over cell keys."""

from __future__ import annotations

import itertools
from collections.abc import Collection
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class ColumnLayout:
    key: str
    label: str
    type: str = "int"  # int | decimal
    signed: bool = False
    unit: str | None = None
    units_in_text: tuple[str, ...] = ()
    # The heading printed above several columns (法人或其他组织 over 商业企业 …).
    group: str | None = None
    # With `units_in_text`: a word of the header labels that print the unit when the cells do not
    # (采购总金额（万元）).
    unit_header: str | None = None
    # A decimal column's places as reports print them (money to the fen: 30.12): a scan's
    # reading with no point may have lost a point that small.
    decimals: int = 0


@dataclass(frozen=True)
class LabelVariant:
    text: str
    deviation: str | None = None


@dataclass(frozen=True)
class RowLayout:
    section: str
    key: str
    labels: tuple[LabelVariant, ...]
    columns: tuple[ColumnLayout, ...]
    group: str | None = None
    # Headers that precede a row printed without a label of its own (section 四).
    header_labels: tuple[str, ...] = ()
    deviation: str | None = None
    replaces: tuple[str, ...] = ()

    def cell_key(self, column: ColumnLayout) -> str:
        return ".".join(p for p in (self.section, self.key, column.key) if p)

    def cell_keys(self) -> list[str]:
        return [self.cell_key(c) for c in self.columns]


@dataclass(frozen=True)
class BlockLayout:
    """Rows a section prints under their own caption and header row (section 二's 第二十条第（一）项)."""

    caption: str
    rows: tuple[str, ...]  # row keys, in printed order


@dataclass(frozen=True)
class SectionLayout:
    id: str
    headings: tuple[str, ...]
    rows: tuple[RowLayout, ...]
    columns: tuple[ColumnLayout, ...]
    # A section printed in blocks: each a caption row, a header row (`block_header`, then the
    # columns of the block's rows), then its rows.
    blocks: tuple[BlockLayout, ...] = ()
    block_header: str | None = None
    # Printed over all the section's columns, above their header words (申请人情况).
    header_caption: str | None = None


@dataclass(frozen=True)
class RelationLayout:
    id: str
    loop: tuple[tuple[str, str | tuple[str, ...]], ...]
    left: tuple[str, ...]
    right: tuple[str, ...]


@dataclass(frozen=True)
class Alignment:
    """Cells of one template that mean the same as the cell of the same key in another."""

    template: str
    keys: tuple[str, ...]  # patterns: `*` matches any part of a key

    def covers(self, key: str) -> bool:
        return any(fnmatchcase(key, pattern) for pattern in self.keys)


@dataclass(frozen=True)
class TemplateLayout:
    template: str
    title: str
    signature_labels: tuple[str, ...]
    sections: tuple[SectionLayout, ...]
    relations: tuple[RelationLayout, ...]
    aligns_with: Alignment | None = None
    # The first year whose reports the format was issued for.
    first_year: int | None = None
    # Headings of the parts after the tables: the table rows end there.
    end_headings: tuple[str, ...] = ()
    # Words of the tables' labels: a web page naming too few of them does not carry the report.
    page_markers: tuple[str, ...] = ()
    # Texts printed in the tables that are no row's label (a note in a header).
    notes: tuple[str, ...] = ()

    def rows(self) -> list[RowLayout]:
        return [row for section in self.sections for row in section.rows]

    def row_by_key(self, section: str, key: str) -> RowLayout:
        for row in self.rows():
            if row.section == section and row.key == key:
                return row
        raise KeyError(f"{section}.{key}")

    def section(self, section_id: str) -> SectionLayout:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    @cached_property
    def relations_over_all_keys(self) -> tuple[Relation, ...]:
        """Every relation of the template over all its cell keys (expanded once: a report's
        relations are these narrowed to its keys, asked for many times a report)."""
        keys = {key for row in self.rows() for key in row.cell_keys()}
        return tuple(inst for rel in self.relations for inst in _instances(self, rel, keys))


def _column(raw: dict[str, Any]) -> ColumnLayout:
    return ColumnLayout(
        key=raw["key"],
        label=raw.get("label", raw["key"]),
        type=raw.get("type", "int"),
        signed=bool(raw.get("signed", False)),
        unit=raw.get("unit"),
        units_in_text=tuple(raw.get("unit_from_text", ())),
        group=raw.get("group"),
        unit_header=raw.get("unit_header"),
        decimals=int(raw.get("decimals", 0)),
    )


def _label(raw: str | dict[str, Any]) -> LabelVariant:
    if isinstance(raw, str):
        return LabelVariant(raw)
    return LabelVariant(raw["text"], raw.get("deviation"))


def _section(raw: dict[str, Any]) -> SectionLayout:
    shared = tuple(_column(c) for c in raw.get("columns", ()))
    rows = tuple(
        RowLayout(
            section=raw["id"],
            key=r["key"],
            labels=tuple(_label(lbl) for lbl in r.get("labels", ())),
            columns=tuple(_column(c) for c in r["columns"]) if "columns" in r else shared,
            group=r.get("group"),
            header_labels=tuple(r.get("header_labels", ())),
            deviation=r.get("deviation"),
            replaces=tuple(r.get("replaces", ())),
        )
        for r in raw["rows"]
    )
    blocks = tuple(BlockLayout(b["caption"], tuple(b["rows"])) for b in raw.get("blocks", ()))
    unknown = {key for block in blocks for key in block.rows} - {row.key for row in rows}
    if unknown:
        raise ValueError(f"section {raw['id']}: blocks name rows it does not have: {sorted(unknown)}")
    return SectionLayout(raw["id"], tuple(raw.get("headings", ())), rows, shared, blocks, raw.get("block_header"),
                         raw.get("header_caption"))


def _relation(raw: dict[str, Any]) -> RelationLayout:
    loop = tuple(
        (name, rng if isinstance(rng, str) else tuple(rng)) for name, rng in raw["for"].items()
    )
    return RelationLayout(raw["id"], loop, tuple(raw["left"]), tuple(raw["right"]))


def _alignment(raw: dict[str, Any]) -> Alignment:
    return Alignment(str(raw["template"]), tuple(raw["keys"]))


def parse_layout(raw: dict[str, Any]) -> TemplateLayout:
    """A template from the parsed contents of one layout file."""
    return TemplateLayout(
        template=str(raw["template"]),
        title=raw.get("title", ""),
        signature_labels=tuple(raw.get("signature_labels", ())),
        sections=tuple(_section(s) for s in raw["sections"]),
        relations=tuple(_relation(r) for r in raw.get("relations", ())),
        aligns_with=_alignment(raw["aligns_with"]) if "aligns_with" in raw else None,
        first_year=int(raw["first_year"]) if "first_year" in raw else None,
        end_headings=tuple(raw.get("end_headings", ())),
        page_markers=tuple(raw.get("page_markers", ())),
        notes=tuple(raw.get("notes", ())),
    )


# libyaml's parser where PyYAML was built with it (its wheels are): the pure-Python one took
# 0.09 CPU s of every process's first report to parse the layouts and finding rules.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """A YAML file's data (safe loading: plain data only)."""
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_YAML_LOADER)


@lru_cache(maxsize=8)
def load_layouts(layouts_dir: Path) -> tuple[TemplateLayout, ...]:
    """Every template in the folder, newest first."""
    layouts = []
    for path in sorted(layouts_dir.glob("*.yaml")):
        layouts.append(parse_layout(read_yaml(path)))
    if not layouts:
        raise FileNotFoundError(f"no template layouts in {layouts_dir}")
    return tuple(sorted(layouts, key=lambda t: t.template, reverse=True))


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
    present = set(keys)
    out = []
    for rel in layout.relations_over_all_keys:
        left = tuple(key for key in rel.left if key in present)
        right = tuple(key for key in rel.right if key in present)
        if left and right:
            out.append(Relation(rel.id, left, right))
    return out
