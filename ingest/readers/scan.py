"""Scanned PDFs and images: each page turned upright, its ruled tables read cell by cell
with OCR (ingest/scan), the text outside them read line by line.

`read_scanned_pdf` is the hook the text-PDF reader calls for the pages of a PDF that are scans
(detect's pdf_scanned: the pages with anything on them are all scans, or text layers of garbage).
A table cut by a page break is stitched back into one (ingest/tables/stitch.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import cv2
import numpy as np
import pypdfium2

from ingest.detect import Detected, open_pdf_pages
from ingest.models import Document, Format, Paragraph
from ingest.scan.images import image_pages, pdf_pages
from ingest.scan.ocr.consensus import engine_set
from ingest.scan.page import PageRead, read_page
from ingest.scan.process import release_freed_memory
from ingest.settings import Settings
from ingest.tables.stitch import stitch


def _jpeg(image: np.ndarray) -> bytes:
    # JPEG: a scan is JPEG-grained already, and PNG cost a quarter second per page (5x the bytes).
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])
    return encoded.tobytes() if ok else b""


def read_pages(
    images: Iterable[tuple[int, np.ndarray]], fmt: Format, settings: Settings, may_be_partial: bool = False
) -> Document:
    """Page images (1-based number, BGR) read into one document that keeps the upright pages.

    Pages are taken one at a time and each upright image is kept as JPEG bytes only, so a
    long scan holds one page's arrays at a time."""
    engines = engine_set(settings)
    pages: list[PageRead] = []
    page_images: dict[int, bytes] = {}
    for number, image in images:
        page = read_page(image, number, engines, settings)
        del image
        page_images[page.number] = _jpeg(page.image)
        pages.append(replace(page, image=np.zeros((0, 0, 3), np.uint8)))
        # The upright colour page goes now, not when the next page's reading is done.
        del page
        release_freed_memory()
    blocks = stitch([(page.number, [block for _, block in page.blocks]) for page in pages])
    return Document(fmt, blocks, pages=len(pages), page_images=page_images, may_be_partial=may_be_partial)


def read_scanned_pdf(pdf: pypdfium2.PdfDocument, settings: Settings, pages: list[int] | None = None) -> Document:
    """A PDF's scanned pages (1-based numbers; all when None) read by OCR."""
    return read_pages(pdf_pages(pdf, settings, pages), "pdf_scanned", settings)


def read_image_file(data: bytes, settings: Settings) -> Document:
    """An image file (every frame of a multi-page TIFF) read by OCR; one page may be part of a report."""
    document = read_pages(enumerate(image_pages(data, settings), start=1), "image", settings)
    document.may_be_partial = document.pages == 1
    return document


class ImageReader:
    def read(self, data: bytes, detected: Detected, settings: Settings) -> Document:
        return read_image_file(data, settings)


class ScannedPdfReader:
    def read(self, data: bytes, detected: Detected, settings: Settings) -> Document:
        pdf = detected.pdf or open_pdf_pages(data, settings)
        return read_scanned_pdf(pdf.file.document, settings)


__all__ = ["ImageReader", "Paragraph", "ScannedPdfReader", "read_image_file", "read_scanned_pdf"]
