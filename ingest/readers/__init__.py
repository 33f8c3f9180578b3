"""One reader per input format, all returning the same document model.

Each reader's module is imported when a document of its format is first read: the libraries
they stand on (python-docx and lxml, pdfminer, OpenCV and the OCR engines) cost about 0.3 CPU
seconds of every process's start-up together, which a batch of one format paid for all of them.
`import_readers` imports some up front, where processes forked later should share them."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from functools import cache
from typing import Protocol, cast

from ingest.detect import Detected
from ingest.models import Document, Format
from ingest.settings import Settings


class Reader(Protocol):
    def read(self, data: bytes, detected: Detected, settings: Settings) -> Document:
        """The document's blocks in reading order; raises an IngestError on bad input."""
        ...


# Module and class of each format's reader.
_READERS: dict[Format, tuple[str, str]] = {
    "text": ("ingest.readers.text", "TextReader"),
    "docx": ("ingest.readers.docx", "DocxReader"),
    "doc": ("ingest.readers.doc", "DocReader"),
    "html": ("ingest.readers.html", "HtmlReader"),
    "pdf_text": ("ingest.readers.pdf", "PdfReader"),
    "pdf_scanned": ("ingest.readers.scan", "ScannedPdfReader"),
    "image": ("ingest.readers.scan", "ImageReader"),
}
FORMATS: tuple[Format, ...] = tuple(_READERS)


@cache
def reader_for(fmt: Format) -> Reader:
    """The reader of a format (every format detected has one)."""
    module, name = _READERS[fmt]
    return cast(Reader, getattr(importlib.import_module(module), name)())


# Formats a file may turn out to be, by its name's ending (only to decide which readers to import
# up front; what a file is is still found from its content).
_FORMATS_BY_SUFFIX: dict[str, tuple[Format, ...]] = {
    ".pdf": ("pdf_text", "pdf_scanned"), ".docx": ("docx",), ".doc": ("doc",), ".txt": ("text",),
    **dict.fromkeys((".html", ".htm", ".shtml", ".mht", ".mhtml"), ("html",)),
    **dict.fromkeys((".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp", ".gif"), ("image",)),
}
SCAN_FORMATS: frozenset[Format] = frozenset({"pdf_scanned", "image"})


def likely_formats(names: Iterable[str]) -> set[Format]:
    """The formats files of these names may be (none for an ending not listed)."""
    return {fmt for name in names for suffix, formats in _FORMATS_BY_SUFFIX.items()
            if name.lower().endswith(suffix) for fmt in formats}


def import_readers(formats: Iterable[Format]) -> None:
    """The readers of these formats imported now (in a process that forks its workers later)."""
    for fmt in formats:
        reader_for(fmt)
