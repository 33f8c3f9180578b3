"""What a process converting one format imports: only that format's reader and its libraries."""

from __future__ import annotations

import json
import subprocess
import sys

from ingest.readers import import_readers, likely_formats, reader_for

_IMPORTED = """
import json, sys
from ingest.pipeline import convert_bytes
from ingest.readers import reader_for
reader_for({fmt!r})
print(json.dumps(sorted(m for m in ("docx", "pdfplumber", "lxml.html", "onnxruntime", "cv2") if m in sys.modules)))
"""


def _imported(fmt: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", _IMPORTED.format(fmt=fmt)], capture_output=True, text=True, check=True)
    return [str(name) for name in json.loads(out.stdout)]


def test_reading_images_imports_no_office_or_pdf_text_library() -> None:
    assert _imported("image") == ["cv2"]


def test_reading_word_files_imports_no_scan_library() -> None:
    assert _imported("docx") == ["docx"]


def test_formats_guessed_from_names_pick_the_readers_imported_up_front() -> None:
    assert likely_formats(["a.PDF", "b.jpg", "c.unknown"]) == {"pdf_text", "pdf_scanned", "image"}
    assert likely_formats(["page.mhtml"]) == {"html"} and likely_formats([]) == set()
    import_readers(["text"])
    assert reader_for("text") is reader_for("text")
