"""pdfium (through pypdfium2) opening PDFs, its failures turned into our exceptions."""

from __future__ import annotations

import pypdfium2

from ingest.errors import DamagedDocument, PasswordProtected


def open_pdf(data: bytes) -> pypdfium2.PdfDocument:
    """The PDF opened (an empty password is tried by pdfium itself); PasswordProtected or
    DamagedDocument when it cannot be."""
    try:
        return pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise PasswordProtected("the PDF is password-protected") from None
        raise DamagedDocument(f"the PDF cannot be opened (damaged or truncated): {exc}") from None
