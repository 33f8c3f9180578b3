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
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from ingest.contract import JsonNumber, json_number, read_result
from ingest.errors import ErrorCode
from ingest.layouts import TemplateLayout, load_layouts
from ingest.models import CellReading, ErrorInfo, Format, Report, ReportMeta, SourceInfo
from ingest.settings import load_settings
from ingest.sheets import (
    XLSX_MAX_ROWS,
    Column,
    Kind,
    Table,
    columns_of,
    values_of,
    write_csv,
    write_parquet,
    write_xlsx,
    zh,
)

FORMATS = (".csv", ".xlsx", ".parquet")


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


@dataclass(frozen=True)
class Result:
    """One result JSON: where it is (relative to the folder) and what it holds."""

    path: str
    report: Report


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
            report = read_result(path)
            if report is not None:
                results.append(Result(str(relative), report))
        except (OSError, ValueError) as exc:  # not JSON, or MalformedResult: a result not as the contract says
            unreadable = ErrorInfo(ErrorCode.UNREADABLE_RESULT, str(exc))
            results.append(Result(str(relative), Report(SourceInfo(path.name, "", None), error=unreadable)))
    return results


def read_value(cell: CellReading) -> JsonNumber | None:
    """What the machine read: the original reading of a reviewed cell, else its value."""
    return json_number(cell.read_value if cell.reviewed else cell.value)


@dataclass(frozen=True)
class ReportFields:
    """Who reports, for which year, on which template."""

    agency: str | None = field(metadata=zh("机关"))
    year: int | None = field(metadata=zh("年度"))
    template: str | None = field(metadata=zh("模板"))

    @classmethod
    def of(cls, report: Report) -> ReportFields:
        meta = report.report or ReportMeta(None, None)
        return cls(meta.agency, meta.year, report.template)


@dataclass(frozen=True)
class SourceFields:
    """The file a result was converted from."""

    file: str = field(metadata=zh("来源文件"))
    sha256: str | None = field(metadata=zh("SHA-256"))
    format: Format | None = field(metadata=zh("格式"))

    @classmethod
    def of(cls, report: Report) -> SourceFields:
        return cls(report.source.file, report.source.sha256 or None, report.source.format)


# Not frozen: one is made for every cell of every report, and a frozen dataclass takes twice as long to make.
@dataclass(slots=True)
class CellRow:
    """A row of the long table: one cell of one report, its key's labels in Chinese."""

    report: ReportFields
    key: str = field(metadata=zh("键"))
    common_key: str = field(metadata=zh("通用键"))
    section_label: str = field(metadata=zh("部分"))
    row_label: str = field(metadata=zh("行"))
    column_label: str = field(metadata=zh("列"))
    value: JsonNumber | None = field(metadata=zh("数值"))
    unit: str | None = field(metadata=zh("单位"))
    confidence: float = field(metadata=zh("置信度"))
    flagged: bool = field(metadata=zh("待复核"))
    reviewed: bool = field(metadata=zh("已复核"))
    read_value: JsonNumber | None = field(metadata=zh("识别值"))
    source: SourceFields


@dataclass(frozen=True)
class ReportRow:
    """The leading columns of the wide table's row of a report (its cells' columns follow)."""

    report: ReportFields
    source: SourceFields
    cells_flagged: int = field(metadata=zh("待复核单元格数"))
    cells_reviewed: int = field(metadata=zh("已复核单元格数"))
    relations_broken: int = field(metadata=zh("勾稽关系不符数"))


@dataclass(frozen=True)
class ErrorFields:
    """Why a result failed: its `error` object."""

    code: str = field(metadata=zh("错误代码"))
    message: str = field(metadata=zh("错误信息"))


@dataclass(frozen=True)
class ErrorRow:
    """A row of the errors table: a result that failed, as the contract writes it (`source`, `error`), and
    where it is."""

    source: SourceFields
    error: ErrorFields
    result: str = field(metadata=zh("结果文件"))


def converted(results: Iterable[Result]) -> list[Result]:
    return [r for r in results if r.report.error is None]


def errors_table(results: Iterable[Result]) -> Table:
    """One row per result that failed: the source, the error code and message."""
    rows = [
        values_of(ErrorRow(SourceFields.of(r.report), ErrorFields(r.report.error.code, r.report.error.message), r.path))
        for r in results
        if r.report.error is not None
    ]
    return Table(list(columns_of(ErrorRow)), rows)


def long_table(results: Iterable[Result], catalog: KeyCatalog) -> Table:
    """One row per report and cell key, with the key's labels in Chinese."""
    rows = []
    for result in converted(results):
        report = result.report
        of_report, source = ReportFields.of(report), SourceFields.of(report)
        for key, cell in report.cells.items():
            info = catalog.info(report.template, key)
            rows.append(values_of(CellRow(
                of_report, key, info.common_key, info.section, info.row, info.column,
                json_number(cell.value), cell.unit, cell.confidence, cell.review, cell.reviewed, read_value(cell),
                source,
            )))
    return Table(list(columns_of(CellRow)), rows)


def wide_table(results: Iterable[Result], catalog: KeyCatalog) -> Table:
    """One row per report, one column per dataset cell (and its unit where the unit varies)."""
    reports = converted(results)
    present: dict[str, CellInfo] = {}
    for result in reports:
        for key in result.report.cells:
            info = catalog.info(result.report.template, key)
            present.setdefault(info.common_key, catalog.common.get(info.common_key, info))
    keys = sorted(present, key=catalog.order)
    columns = list(columns_of(ReportRow))
    for key in keys:
        header = present[key].header_zh()
        columns.append(Column(key, header, present[key].kind))
        if present[key].unit_varies:
            columns.append(Column(f"{key}.unit", f"{header} 单位", "str"))
    rows = []
    for result in reports:
        report = result.report
        by_common = {catalog.info(report.template, k).common_key: c for k, c in report.cells.items()}
        row = values_of(ReportRow(
            ReportFields.of(report), SourceFields.of(report),
            cells_flagged=sum(1 for c in report.cells.values() if c.review),
            cells_reviewed=sum(1 for c in report.cells.values() if c.reviewed),
            relations_broken=sum(1 for c in report.checks if not c.ok),
        ))
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
        write_xlsx([("reports" if wide else "cells", table), ("errors", errors)], target, labels)
    else:
        write = write_csv if suffix == ".csv" else write_parquet
        write(table, target, labels)
        write(errors, errors_path(target), labels)
    return table, errors


# Where `ingest export|stats` get their results: a function of the command's name and its arguments (OUT_DIR
# or --db), None when there are none to read (it has said why). The CLI passes it in: reading the service's
# database is the service's part (workers/), not the library's.
ResultsOf = Callable[[str, argparse.Namespace], list[Result] | None]


def add_source_arguments(cmd: argparse.ArgumentParser) -> None:
    """OUT_DIR, or --db URL."""
    cmd.add_argument("out_dir", metavar="OUT_DIR", nargs="?", help="folder of result JSONs (searched recursively)")
    cmd.add_argument("--db", metavar="URL", help="read the results from the service's database instead "
                     "(sqlite:///… or postgresql://…; default: $INGEST_DB)")


def _export_command(results_of: ResultsOf, args: argparse.Namespace) -> int:
    target = Path(args.to)
    results = results_of("export", args)
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


def add_export_command(sub: argparse._SubParsersAction[argparse.ArgumentParser], results_of: ResultsOf) -> None:
    """`ingest export OUT_DIR|--db URL --to FILE [--wide] [--labels zh]`."""
    cmd = sub.add_parser("export", help="the results of a folder as one table (.csv, .xlsx or .parquet)")
    add_source_arguments(cmd)
    cmd.add_argument("--to", required=True, metavar="FILE", help="the table; its extension picks the format")
    cmd.add_argument("--wide", action="store_true", help="one row per report and one column per cell")
    cmd.add_argument("--labels", choices=("key", "zh"), default="key", help="column headers: keys or Chinese labels")
    cmd.set_defaults(handler=partial(_export_command, results_of))
