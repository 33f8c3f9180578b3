"""detect -> read -> map -> check -> score: one file in, one Report out."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ingest.checks import run_checks
from ingest.detect import detect
from ingest.errors import FileTooLarge, IncompleteReport, IngestError, NotAReport
from ingest.evidence import source_confidences
from ingest.layouts import load_layouts
from ingest.mapping import map_document
from ingest.meta import find_meta
from ingest.models import ErrorInfo, Format, Report, SourceInfo
from ingest.readers import reader_for
from ingest.scoring import apply_checks
from ingest.settings import Settings


def convert_bytes(data: bytes, name: str, settings: Settings) -> Report:
    """Convert one document's bytes; bad input gives a Report with `error`, never raises."""
    source = SourceInfo(file=name, sha256=hashlib.sha256(data).hexdigest(), format=None)
    try:
        return _convert(data, source, settings)
    except IngestError as exc:
        return Report(source=source, error=ErrorInfo(exc.code, f"{name}: {exc.message}"))


def convert_file(path: Path, settings: Settings) -> Report:
    """Convert one file; never raises for bad input or unreadable files."""
    try:
        size = path.stat().st_size
        if size > settings.max_file_bytes:
            raise FileTooLarge(f"{size} bytes; the limit is {settings.max_file_bytes}")
        data = path.read_bytes()
    except (OSError, FileTooLarge) as exc:
        code = exc.code if isinstance(exc, IngestError) else "unreadable_file"
        message = exc.message if isinstance(exc, IngestError) else str(exc)
        return Report(source=SourceInfo(path.name, "", None), error=ErrorInfo(code, f"{path.name}: {message}"))
    return convert_bytes(data, path.name, settings)


def _convert(data: bytes, source: SourceInfo, settings: Settings) -> Report:
    detected = detect(data)
    fmt: Format = detected.format
    source.format = fmt
    document = reader_for(fmt).read(data, detected, settings)
    source.format = document.format
    source.pages = document.pages
    mapping = map_document(document, load_layouts(settings.layouts_dir), settings)
    total = len(mapping.cells)
    if mapping.located == 0:
        raise NotAReport("no table of the annual-report template was found")
    if mapping.located < settings.min_located_share * total and not document.may_be_partial:
        raise IncompleteReport(
            f"only {mapping.located} of {total} template cells were found: the report is cut short or not a report"
        )
    checks = run_checks(mapping.template, mapping.cells)
    apply_checks(mapping.cells, checks, settings, document.format, source_confidences(document))
    return Report(
        source=source,
        template=mapping.template.template,
        report=find_meta(document.lines()),
        cells=mapping.cells,
        checks=checks,
        template_deviations=mapping.deviations,
        page_images=document.page_images,
    )
