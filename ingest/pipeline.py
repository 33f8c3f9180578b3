"""detect -> read -> map -> check -> score: one file in, one Report out."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ingest.checks import run_checks
from ingest.detect import detect
from ingest.errors import ErrorCode, IngestError, InputError
from ingest.evidence import OCR_FORMATS, source_confidences
from ingest.findings.report import add_findings
from ingest.layouts import load_layouts
from ingest.mapper import map_document, tables_left_out
from ingest.meta import find_meta
from ingest.models import ErrorInfo, Report, SourceInfo
from ingest.readers import reader_for
from ingest.review_flags import field_unsure, flag_report, flag_template_dependent
from ingest.scoring import apply_checks
from ingest.settings import Settings
from ingest.template_check import (
    found_a_table,
    is_old_format,
    prints_section_headings,
    template_confidence,
    template_of_year,
)


def convert_bytes(data: bytes, name: str, settings: Settings) -> Report:
    """Convert one document's bytes; bad input gives a Report with `error`, never raises."""
    source = SourceInfo(file=name, sha256=hashlib.sha256(data).hexdigest(), format=None)
    try:
        return _convert(data, source, settings)
    except IngestError as exc:
        return Report(source=source, error=ErrorInfo(exc.code, f"{name}: {exc.message}"))


def convert_file(path: Path, settings: Settings, name: str | None = None) -> Report:
    """Convert one file (named in the report `name`, by default its file name); never raises for bad
    input or unreadable files."""
    name = name or path.name
    try:
        data = _read_input(path, settings)
    except IngestError as exc:
        return Report(source=SourceInfo(name, "", None), error=ErrorInfo(exc.code, f"{name}: {exc.message}"))
    return convert_bytes(data, name, settings)


def _read_input(path: Path, settings: Settings) -> bytes:
    try:
        size = path.stat().st_size
        if size > settings.limits.file_bytes:
            raise InputError(ErrorCode.FILE_TOO_LARGE, f"{size} bytes; the limit is {settings.limits.file_bytes}")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(ErrorCode.UNREADABLE_FILE, str(exc)) from exc


def _convert(data: bytes, source: SourceInfo, settings: Settings) -> Report:
    detected = detect(data, settings)
    # The report's format is detect's (a PDF's pages sorted there, text layers of garbage included):
    # the reader reads that format.
    source.format = detected.format
    try:
        document = reader_for(detected.format).read(data, detected, settings)
    finally:
        if detected.pdf is not None:
            detected.pdf.close()
    source.pages = document.pages
    layouts = load_layouts(settings.layouts_dir)
    lines = document.lines()
    text = "\n".join(lines)
    meta = find_meta(lines, settings, document.format)
    unsure = field_unsure(meta.year_confidence, meta.year_evidence, settings.review.report_threshold)
    sure_year = None if unsure else meta.year
    if is_old_format(text, layouts, sure_year):
        of_year = f"a {sure_year} report" if sure_year else "the report"
        raise InputError(
            ErrorCode.OLD_FORMAT, f"{of_year} in the pre-2019 statistics format (指标名称 / 计量单位 / 统计数), "
            "not the national annual-report template: there are no template cells to read"
        )
    mapping = map_document(document, layouts, settings).as_year_follows(template_of_year(layouts, meta.year))
    if not found_a_table(mapping.template, mapping.cells, text, ruled=document.format in OCR_FORMATS):
        if not prints_section_headings(layouts, text):
            raise InputError(ErrorCode.NOT_A_REPORT, "no table of the annual-report template was found")
        # A report whose tables the document does not hold is still a result (its agency, year
        # and prose; every cell null and flagged), on the template its year's reports follow;
        # what the mapper found is prose quoting a number, not a table's.
        mapping = tables_left_out(template_of_year(layouts, sure_year) or mapping.template)
    checks = run_checks(mapping.template, mapping.cells)
    template_conf, template_class = template_confidence(text, layouts, mapping.template.template, meta.year,
                                                        settings, document.format, mapping.told_apart())
    report = Report(
        source=source,
        template=mapping.template.template,
        template_confidence=template_conf,
        template_evidence=template_class,
        report=meta,
        cells=mapping.cells,
        checks=checks,
        template_deviations=mapping.deviations,
        page_images=document.page_images,
    )
    apply_checks(mapping.cells, checks, settings, document.format, source_confidences(document))
    flag_template_dependent(report, mapping.read_otherwise(), settings)
    # A partial report is a result, never an error: what was not found is null and flagged.
    flag_report(report, settings, one_page=document.may_be_partial)
    add_findings(document, report, mapping.template, settings)
    return report
