"""pdfium (through pypdfium2) opening PDFs, its failures turned into our exceptions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pypdfium2

from ingest.errors import ErrorCode, InputError


def open_pdf(data: bytes) -> pypdfium2.PdfDocument:
    """The PDF opened (an empty password is tried by pdfium itself); an InputError
    (PASSWORD_PROTECTED, DAMAGED_DOCUMENT) when it cannot be."""
    try:
        return pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise InputError(ErrorCode.PASSWORD_PROTECTED, "the PDF is password-protected") from None
        raise InputError(
            ErrorCode.DAMAGED_DOCUMENT, f"the PDF cannot be opened (damaged or truncated): {exc}"
        ) from None


def load_page(pdf: pypdfium2.PdfDocument, index: int) -> pypdfium2.PdfPage:
    """Page `index` (from 0); a DAMAGED_DOCUMENT InputError when pdfium cannot load it (a page tree that loops, a
    missing page object)."""
    try:
        return pdf[index]
    except pypdfium2.PdfiumError as exc:
        raise InputError(
            ErrorCode.DAMAGED_DOCUMENT, f"page {index + 1} of the PDF cannot be loaded (damaged page tree): {exc}"
        ) from None


PageKind = Literal["text", "scanned", "blank"]

# Page objects of outlined text: a page drawn with this many paths but no text needs OCR.
_OUTLINED_TEXT_PATHS = 200


@dataclass(frozen=True)
class PdfFile:
    """A PDF opened once, and what each of its pages is: text (a text layer), scanned
    (images, or text drawn as outlines: OCR reads it) or blank."""

    document: pypdfium2.PdfDocument
    kinds: tuple[PageKind, ...]

    def close(self) -> None:
        self.document.close()


def open_pdf_file(data: bytes, max_pages: int) -> PdfFile:
    """The PDF opened and its pages sorted; raises for damaged, locked or oversized PDFs."""
    pdf = open_pdf(data)
    try:
        count = len(pdf)
        if count > max_pages:
            raise InputError(ErrorCode.FILE_TOO_LARGE, f"the PDF has {count} pages; the limit is {max_pages}")
        return PdfFile(pdf, tuple(_page_kind(load_page(pdf, i)) for i in range(count)))
    except BaseException:
        pdf.close()
        raise


def _page_kind(page: pypdfium2.PdfPage) -> PageKind:
    try:
        if page.get_textpage().count_chars() > 0:
            return "text"
        objects = [o.type for o in page.get_objects(max_depth=2)]
    finally:
        page.close()
    if pypdfium2.raw.FPDF_PAGEOBJ_IMAGE in objects or len(objects) >= _OUTLINED_TEXT_PATHS:
        return "scanned"
    return "blank"
