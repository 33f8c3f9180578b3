"""Tables of named, typed columns (`Column`, `Table`) and their files: CSV, Parquet and Excel.

A table's row is a typed model: a frozen dataclass whose fields are its columns, each with its header in
Chinese (`zh`), or parts (dataclasses of several columns) in their place. `columns_of` derives the columns
from the model's fields and types, `values_of` a row's values in the same order, so the two cannot disagree.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, fields
from functools import cache
from operator import attrgetter
from pathlib import Path
from typing import Any, Literal, cast, get_args, get_type_hints

Kind = Literal["str", "int", "float", "bool"]
# An Excel sheet holds 1,048,576 rows, the header included.
XLSX_MAX_ROWS = 1_048_575


@dataclass(frozen=True)
class Column:
    name: str
    zh: str
    kind: Kind


@dataclass
class Table:
    columns: list[Column]
    rows: list[list[Any]]

    def header(self, labels: str) -> list[str]:
        return [c.zh if labels == "zh" else c.name for c in self.columns]


def zh(label: str) -> dict[str, str]:
    """The metadata of a row's field that is a column: its header in Chinese (`--labels zh`); the column's
    name is the field's, its kind from the field's type."""
    return {"zh": label}


def _kind(annotation: object) -> Kind:
    """A column's kind from its field's type: a number that may be a decimal is a float."""
    types = set(get_args(annotation)) or {annotation}  # the members of a union
    for python, kind in ((bool, "bool"), (float, "float"), (int, "int")):
        if python in types:
            return cast(Kind, kind)
    return "str"


@cache
def _paths(row_type: type) -> tuple[str, ...]:
    """The dotted paths of a row type's columns (`report.agency`), in the order of `columns_of`."""
    hints = get_type_hints(row_type)
    paths: list[str] = []
    for f in fields(row_type):
        paths += [f.name] if "zh" in f.metadata else [f"{f.name}.{p}" for p in _paths(hints[f.name])]
    return tuple(paths)


@cache
def columns_of(row_type: type) -> tuple[Column, ...]:
    """The columns of a row type: its fields, those of its parts (fields without a header) in their place."""
    hints = get_type_hints(row_type)
    columns: list[Column] = []
    for f in fields(row_type):
        if "zh" in f.metadata:
            columns.append(Column(f.name, f.metadata["zh"], _kind(hints[f.name])))
        else:
            columns += columns_of(hints[f.name])
    return tuple(columns)


@cache
def _getter(row_type: type) -> attrgetter[Any]:
    return attrgetter(*_paths(row_type))


def values_of(row: Any) -> list[Any]:
    """A row's values in the order of `columns_of` its type."""
    values = _getter(row.__class__)(row)
    # attrgetter of one path gives the value itself, of several a tuple.
    return list(values) if len(_paths(row.__class__)) > 1 else [values]


def write_csv(table: Table, path: Path, labels: str) -> None:
    # UTF-8 with BOM: Excel opens it with the Chinese intact.
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(table.header(labels))
        writer.writerows(table.rows)


def _exact_float(value: Any) -> float:
    number = float(value)
    if isinstance(value, int) and int(number) != value:
        raise OverflowError(f"{value} has no exact float")
    return number


def write_parquet(table: Table, path: Path, labels: str) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
    arrays = []
    for i, column in enumerate(table.columns):
        raw = [row[i] for row in table.rows]
        try:
            values = [None if v is None else _exact_float(v) for v in raw] if column.kind == "float" else raw
            arrays.append(pa.array(values, type=types[column.kind]))
        except (OverflowError, pa.ArrowInvalid):
            # A whole number past int64 or past what a float64 holds exactly (hand-edited, or from an
            # older review): the column keeps every value exact, as text, rather than failing the export.
            arrays.append(pa.array([None if v is None else str(v) for v in raw], pa.string()))
    pq.write_table(pa.Table.from_arrays(arrays, names=table.header(labels)), path)


def write_xlsx(sheets: list[tuple[str, Table]], path: Path, labels: str) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for name, table in sheets:
        sheet = workbook.create_sheet(name)
        sheet.append(table.header(labels))
        for row in table.rows:
            sheet.append(row)
    workbook.save(path)
