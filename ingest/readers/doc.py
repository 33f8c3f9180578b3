"""Legacy Word (.doc, and WPS files LibreOffice opens): converted to .docx, then read as one."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ingest.detect import Detected
from ingest.models import Document
from ingest.readers.docx import read_docx_blocks
from ingest.settings import Settings
from ingest.tools.soffice import convert


class DocReader:
    def read(self, data: bytes, detected: Detected, settings: Settings) -> Document:
        """Convert with LibreOffice headless (private profile, time limit), read the .docx it writes."""
        with tempfile.TemporaryDirectory(prefix="ingest-doc-") as work:
            source = Path(work) / "source.doc"
            source.write_bytes(data)
            converted = convert(source, "docx:MS Word 2007 XML", Path(work) / "out", settings.tools.soffice_timeout)
            blocks = read_docx_blocks(converted.read_bytes(), settings)
        return Document(format="doc", blocks=blocks)
