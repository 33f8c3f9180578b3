"""One reader per input format, all returning the same document model."""

from __future__ import annotations

from typing import Protocol

from ingest.detect import Detected
from ingest.models import Document, Format
from ingest.readers.doc import DocReader
from ingest.readers.docx import DocxReader
from ingest.readers.html import HtmlReader
from ingest.readers.pdf import PdfReader
from ingest.readers.scan import ImageReader, ScannedPdfReader
from ingest.readers.text import TextReader
from ingest.settings import Settings


class Reader(Protocol):
    def read(self, data: bytes, detected: Detected, settings: Settings) -> Document:
        """The document's blocks in reading order; raises an IngestError on bad input."""
        ...


READERS: dict[Format, Reader] = {
    "text": TextReader(),
    "docx": DocxReader(),
    "doc": DocReader(),
    "html": HtmlReader(),
    "pdf_text": PdfReader(),
    "pdf_scanned": ScannedPdfReader(),
    "image": ImageReader(),
}


def reader_for(fmt: Format) -> Reader:
    """The reader of a format (every format detected has one)."""
    return READERS[fmt]
