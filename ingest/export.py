"""`ingest export`: a folder of result JSONs as one table, in CSV, Excel or Parquet.

The long table has one row per report and cell; the wide table one row per report and
one column per cell. Cells of the 2019 and 2021 templates that mean the same share a
column (`common_key`, from the `aligns_with` block of the layouts); the others keep
their template in the name (`2019:s2.regulations.made`). A reviewed cell's `value` is
the corrected one and wins; `read_value` keeps what was read. Reports that failed go to
a separate errors table.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ingest.contract import JsonNumber, MalformedResult, is_result, json_number, report_from_dict
from ingest.errors import ErrorCode
from ingest.layouts import TemplateLayout, load_layouts
from ingest.models import CellReading, ErrorInfo, Report, ReportMeta, SourceInfo
from ingest.settings import load_settings

Kind = Literal["str", "int", "float", "bool"]
# An Excel sheet holds 1,048,576 rows, the header included.
XLSX_MAX_ROWS = 1_048_575
FORMATS = (".csv", ".xlsx", ".parquet")


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


@dataclass(frozen=True)
class Result:
    """One result JSON: where it is (relative to the folder) and what it holds."""

    path: str
    report: Report


@dataclass(frozen=True)
class CellInfo:
    """What a cell key means, for a dataset of every template."""

    common_key: str
    section_id: str
    section: str
    row: str
    column: str
    kind: Kind
    unit_varies: bool = False
    # The one template a column belongs to, when it is not shared with the newest template.
    only_in: str | None = None

    def header_zh(self) -> str:
        label = " · ".join(p for p in (self.row, self.column) if p) or self.common_key
        return f"{label}（{self.only_in}）" if self.only_in else label


def _cell_infos(layout: TemplateLayout, reference: str) -> dict[str, CellInfo]:
    aligned = layout.aligns_with
    infos: dict[str, CellInfo] = {}
    for section in layout.sections:
        for row in section.rows:
            row_label = " ".join(p for p in (row.group, row.labels[0].text if row.labels else "") if p)
            for column in row.columns:
                key = row.cell_key(column)
                same = layout.template == reference or (
                    aligned is not None and aligned.template == reference and aligned.covers(key)
                )
                infos[key] = CellInfo(
                    common_key=key if same else f"{layout.template}:{key}",
                    only_in=None if same else layout.template,
                    section_id=section.id,
                    section=section.headings[0] if section.headings else section.id,
                    row=row_label,
                    column=" ".join(p for p in (column.group, column.label) if p),
                    kind="float" if column.type == "decimal" else "int",
                    unit_varies=bool(column.units_in_text),
                )
    return infos


class KeyCatalog:
    """Labels and dataset columns of every cell key of every template."""

    def __init__(self, layouts: Sequence[TemplateLayout]) -> None:
        self.reference = layouts[0].template  # the newest template names the shared columns
        self._by_template = {layout.template: _cell_infos(layout, self.reference) for layout in layouts}
        merged: dict[str, CellInfo] = {}
        for infos in self._by_template.values():
            for info in infos.values():
                merged.setdefault(info.common_key, info)
        # Section by section, the newest template's cells first.
        self._order = {k: i for i, k in enumerate(sorted(merged, key=lambda k: merged[k].section_id))}
        self.common = merged

    def info(self, template: str | None, key: str) -> CellInfo:
        """The meaning of `key` in a report of `template`; a key no layout knows keeps its name."""
        known = self._by_template.get(template or "", {}).get(key)
        if known is not None:
            return known
        only_in = None if template == self.reference else template
        common = f"{only_in}:{key}" if only_in else key
        return CellInfo(common, key.split(".", 1)[0], "", "", "", "float", only_in=only_in)

    def order(self, common_key: str) -> int:
        return self._order.get(common_key, len(self._order))


def read_results(out_dir: Path) -> list[Result]:
    """Every result JSON below `out_dir` (hidden files skipped), in path order.

    A JSON that cannot be parsed, or not as the contract's result, becomes an error result, so that it
    shows in the errors table.
    """
    results = []
    for path in sorted(out_dir.rglob("*.json")):
        relative = path.relative_to(out_dir)
        if any(part.startswith(".") for part in relative.parts):
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if is_result(data):
                results.append(Result(str(relative), report_from_dict(data)))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, MalformedResult) as exc:
            unreadable = ErrorInfo(ErrorCode.UNREADABLE_RESULT, str(exc))
            results.append(Result(str(relative), Report(SourceInfo(path.name, "", None), error=unreadable)))
    return results


def read_value(cell: CellReading) -> JsonNumber | None:
    """What the machine read: the original reading of a reviewed cell, else its value."""
    return json_number(cell.read_value if cell.reviewed else cell.value)


_REPORT_COLUMNS = [
    Column("agency", "机关", "str"),
    Column("year", "年度", "int"),
    Column("template", "模板", "str"),
]
_SOURCE_COLUMNS = [
    Column("file", "来源文件", "str"),
    Column("sha256", "SHA-256", "str"),
    Column("format", "格式", "str"),
]
LONG_COLUMNS = [
    *_REPORT_COLUMNS,
    Column("key", "键", "str"),
    Column("common_key", "通用键", "str"),
    Column("section_label", "部分", "str"),
    Column("row_label", "行", "str"),
    Column("column_label", "列", "str"),
    Column("value", "数值", "float"),
    Column("unit", "单位", "str"),
    Column("confidence", "置信度", "float"),
    Column("flagged", "待复核", "bool"),
    Column("reviewed", "已复核", "bool"),
    Column("read_value", "识别值", "float"),
    *_SOURCE_COLUMNS,
]
ERROR_COLUMNS = [
    *_SOURCE_COLUMNS,
    Column("code", "错误代码", "str"),
    Column("message", "错误信息", "str"),
    Column("result", "结果文件", "str"),
]


def _report_fields(report: Report) -> list[Any]:
    meta = report.report or ReportMeta(None, None)
    return [meta.agency, meta.year, report.template]


def _source_fields(report: Report) -> list[Any]:
    return [report.source.file, report.source.sha256 or None, report.source.format]


def converted(results: Iterable[Result]) -> list[Result]:
    return [r for r in results if r.report.error is None]


def errors_table(results: Iterable[Result]) -> Table:
    """One row per result that failed: the source, the error code and message."""
    rows = [
        [*_source_fields(r.report), r.report.error.code, r.report.error.message, r.path]
        for r in results
        if r.report.error is not None
    ]
    return Table(ERROR_COLUMNS, rows)


def long_table(results: Iterable[Result], catalog: KeyCatalog) -> Table:
    """One row per report and cell key, with the key's labels in Chinese."""
    rows = []
    for result in converted(results):
        report = result.report
        fields, source = _report_fields(report), _source_fields(report)
        for key, cell in report.cells.items():
            info = catalog.info(report.template, key)
            rows.append([
                *fields, key, info.common_key, info.section, info.row, info.column,
                json_number(cell.value), cell.unit, cell.confidence, cell.review, cell.reviewed, read_value(cell),
                *source,
            ])
    return Table(LONG_COLUMNS, rows)


def wide_table(results: Iterable[Result], catalog: KeyCatalog) -> Table:
    """One row per report, one column per dataset cell (and its unit where the unit varies)."""
    reports = converted(results)
    present: dict[str, CellInfo] = {}
    for result in reports:
        for key in result.report.cells:
            info = catalog.info(result.report.template, key)
            present.setdefault(info.common_key, catalog.common.get(info.common_key, info))
    keys = sorted(present, key=catalog.order)
    columns = [
        *_REPORT_COLUMNS, *_SOURCE_COLUMNS,
        Column("cells_flagged", "待复核单元格数", "int"),
        Column("cells_reviewed", "已复核单元格数", "int"),
        Column("relations_broken", "勾稽关系不符数", "int"),
    ]
    for key in keys:
        header = present[key].header_zh()
        columns.append(Column(key, header, present[key].kind))
        if present[key].unit_varies:
            columns.append(Column(f"{key}.unit", f"{header} 单位", "str"))
    rows = []
    for result in reports:
        report = result.report
        by_common = {catalog.info(report.template, k).common_key: c for k, c in report.cells.items()}
        row = [
            *_report_fields(report), *_source_fields(report),
            sum(1 for c in report.cells.values() if c.review),
            sum(1 for c in report.cells.values() if c.reviewed),
            sum(1 for c in report.checks if not c.ok),
        ]
        for key in keys:
            cell = by_common.get(key)
            row.append(json_number(cell.value) if cell else None)
            if present[key].unit_varies:
                row.append(cell.unit if cell else None)
        rows.append(row)
    return Table(columns, rows)


def errors_path(target: Path) -> Path:
    """Where the errors table of a CSV or Parquet export goes: `x.csv` -> `x.errors.csv`."""
    return target.with_suffix(f".errors{target.suffix}")


def _write_csv(table: Table, path: Path, labels: str) -> None:
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


def _write_parquet(table: Table, path: Path, labels: str) -> None:
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


def _write_xlsx(sheets: list[tuple[str, Table]], path: Path, labels: str) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for name, table in sheets:
        sheet = workbook.create_sheet(name)
        sheet.append(table.header(labels))
        for row in table.rows:
            sheet.append(row)
    workbook.save(path)


def export(
    source: Path | list[Result], target: Path, catalog: KeyCatalog, *, wide: bool = False, labels: str = "key"
) -> tuple[Table, Table]:
    """Write the table of every result (in the folder `source`, or given) to `target` (format by its extension).

    The errors go to a sheet `errors` (xlsx) or to `errors_path(target)` (csv, parquet).
    Returns the table and the errors table.
    """
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"{target}: unknown format; use one of {', '.join(FORMATS)}")
    results = read_results(source) if isinstance(source, Path) else source
    table = wide_table(results, catalog) if wide else long_table(results, catalog)
    errors = errors_table(results)
    target.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".xlsx":
        if len(table.rows) > XLSX_MAX_ROWS:
            raise ValueError(
                f"{len(table.rows)} rows are more than an Excel sheet holds ({XLSX_MAX_ROWS}); "
                "use --wide, .csv or .parquet"
            )
        _write_xlsx([("reports" if wide else "cells", table), ("errors", errors)], target, labels)
    else:
        write = _write_csv if suffix == ".csv" else _write_parquet
        write(table, target, labels)
        write(errors, errors_path(target), labels)
    return table, errors


def command_results(command: str, args: argparse.Namespace) -> list[Result] | None:
    """The results `ingest export|stats` read: a folder's JSON files, or (--db) the service's database.

    None (after saying why) when there are none to read.
    """
    if args.out_dir:
        if not Path(args.out_dir).is_dir():
            print(f"ingest {command}: {args.out_dir}: no such folder", file=sys.stderr)
            return None
        return read_results(Path(args.out_dir))
    from workers.config import load_service_settings  # the service's database: SQLAlchemy, no Redis
    from workers.storage import database_results

    url = load_service_settings(None, db_url=args.db).db_url
    if not url:
        print(f"ingest {command}: give OUT_DIR or --db URL", file=sys.stderr)
        return None
    try:
        return [Result(name, report) for name, report in database_results(url)]
    except Exception as exc:  # a database that cannot be reached or read: said in one line
        reason = (str(exc).splitlines() or [""])[0]
        print(f"ingest {command}: {url.split('@')[-1]}: {type(exc).__name__}: {reason}", file=sys.stderr)
        return None


def add_source_arguments(cmd: argparse.ArgumentParser) -> None:
    """OUT_DIR, or --db URL."""
    cmd.add_argument("out_dir", metavar="OUT_DIR", nargs="?", help="folder of result JSONs (searched recursively)")
    cmd.add_argument("--db", metavar="URL", help="read the results from the service's database instead "
                     "(sqlite:///… or postgresql://…; default: $INGEST_DB)")


def _export_command(args: argparse.Namespace) -> int:
    target = Path(args.to)
    results = command_results("export", args)
    if results is None:
        return 2
    catalog = KeyCatalog(load_layouts(load_settings().layouts_dir))
    try:
        table, errors = export(results, target, catalog, wide=args.wide, labels=args.labels)
    except ValueError as exc:
        print(f"ingest export: {exc}", file=sys.stderr)
        return 2
    where = "sheet errors" if target.suffix.lower() == ".xlsx" else str(errors_path(target))
    print(f"{len(table.rows)} rows -> {target}; {len(errors.rows)} failed reports -> {where}")
    return 0


def add_export_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`ingest export OUT_DIR|--db URL --to FILE [--wide] [--labels zh]`."""
    cmd = sub.add_parser("export", help="the results of a folder as one table (.csv, .xlsx or .parquet)")
    add_source_arguments(cmd)
    cmd.add_argument("--to", required=True, metavar="FILE", help="the table; its extension picks the format")
    cmd.add_argument("--wide", action="store_true", help="one row per report and one column per cell")
    cmd.add_argument("--labels", choices=("key", "zh"), default="key", help="column headers: keys or Chinese labels")
    cmd.set_defaults(handler=_export_command)
