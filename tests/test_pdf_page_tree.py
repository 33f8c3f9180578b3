"""Issue 14: a PDF whose page tree loops is a damaged document, not an internal error."""

from __future__ import annotations

from ingest.pipeline import convert_bytes
from ingest.settings import Settings


def pdf_of(objects: list[bytes]) -> bytes:
    """A PDF file of these objects (1 0 obj is the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_a_page_tree_that_loops_is_a_damaged_document(settings: Settings) -> None:
    looping = pdf_of([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",  # its kid is its parent
    ])
    report = convert_bytes(looping, "loop.pdf", settings)
    assert report.error is not None
    assert report.error.code == "damaged_document", report.error
    assert report.error.message.startswith("loop.pdf: page 1 of the PDF cannot be loaded")
