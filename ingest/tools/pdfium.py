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


def load_page(pdf: pypdfium2.PdfDocument, index: int) -> pypdfium2.PdfPage:
    """Page `index` (from 0); DamagedDocument when pdfium cannot load it (a page tree that loops, a
    missing page object)."""
    try:
        return pdf[index]
    except pypdfium2.PdfiumError as exc:
        raise DamagedDocument(f"page {index + 1} of the PDF cannot be loaded (damaged page tree): {exc}") from None
