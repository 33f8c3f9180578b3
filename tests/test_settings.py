"""The one settings loader: grouped fields read their environment variables, overrides win, bad values
are named; the library's and the service's settings name each variable once."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest

from ingest.settings import Settings, load_settings
from workers.config import ServiceSettings, load_service_settings


def _variables(cls: type) -> list[str]:
    """Every environment variable `cls` reads, its groups' included."""
    found: list[str] = []
    for f in fields(cls):
        if is_dataclass(f.default_factory):
            found += _variables(f.default_factory)
        elif "env" in f.metadata:
            found.append(f.metadata["env"])
    return found


def test_grouped_fields_read_their_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INGEST_OCR_ENGINE", "tesseract")
    monkeypatch.setenv("INGEST_MMAP_THRESHOLD", "1048576")
    monkeypatch.setenv("INGEST_REVIEW_THRESHOLD", "0.85")
    monkeypatch.setenv("INGEST_CELL_REVIEW_THRESHOLD", "0.5")
    monkeypatch.setenv("INGEST_WORKERS", "3")
    monkeypatch.setenv("INGEST_LAYOUTS_DIR", "/srv/layouts")
    s = load_settings()
    assert (s.ocr.engine, s.scan.mmap_threshold, s.workers, s.layouts_dir) == ("tesseract", 1048576, 3,
                                                                                 Path("/srv/layouts"))
    assert (s.review.report_threshold, s.review.cell_threshold) == (0.85, 0.5)
    # Fields of a group that name no variable keep their defaults.
    assert s.scan.min_dpi == Settings().scan.min_dpi and s.ocr.min_score == Settings().ocr.min_score


def test_overrides_win_over_variables_and_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INGEST_OCR_ENGINE", "tesseract")
    monkeypatch.setenv("INGEST_WORKERS", "3")
    s = load_settings(workers=5, ocr={"engine": "rapidocr", "min_score": 0.5}, limits={"file_bytes": 100},
                      review=None)
    assert (s.workers, s.ocr.engine, s.ocr.min_score, s.limits.file_bytes) == (5, "rapidocr", 0.5, 100)
    assert s.limits.pdf_pages == Settings().limits.pdf_pages and s.review == load_settings().review


def test_bad_values_and_names_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INGEST_MMAP_THRESHOLD", "lots")
    with pytest.raises(ValueError, match="INGEST_MMAP_THRESHOLD='lots'"):
        load_settings()
    monkeypatch.delenv("INGEST_MMAP_THRESHOLD")
    with pytest.raises(TypeError, match="ocr"):
        load_settings(ocr="tesseract")
    with pytest.raises(TypeError, match="no_such_field"):
        load_settings(limits={"no_such_field": 1})
    with pytest.raises(TypeError, match="file_bytes"):
        load_settings(file_bytes=1)  # a grouped field is given through its group


def test_library_and_service_name_each_variable_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    names = _variables(Settings) + _variables(ServiceSettings)
    assert len(names) == len(set(names)) and "INGEST_OCR_ENGINE" in names and "INGEST_DB" in names
    # The service refuses uploads the library would refuse to read, unless told otherwise.
    assert load_service_settings(tmp_path).max_upload_bytes == load_settings().limits.file_bytes
    monkeypatch.setenv("INGEST_RETRY_BACKOFF", "")
    assert load_service_settings(tmp_path).retry_backoff == ()
