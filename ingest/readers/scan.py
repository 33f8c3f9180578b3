"""Scanned PDFs and images: each page turned upright, its ruled tables read cell by cell
with OCR (ingest/scan), the text outside them read line by line.

`read_scanned_pdf` is the hook the text-PDF reader calls for PDFs (or pages) that are scans.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import cv2
import numpy as np

from ingest.detect import Detected
from ingest.models import Block, Document, Format, Paragraph, SourceCell, Table
from ingest.scan.images import image_pages, pdf_pages
from ingest.scan.ocr.consensus import engine_set, looks_numeric
from ingest.scan.page import PageRead, read_page
from ingest.settings import Settings


def _header_rows(table: Table) -> int:
    """Rows above the first row holding a number: the table's header."""
    for i, row in enumerate(table.rows):
        if any(looks_numeric(c.text) for c in row if c.text):
            return i
    return len(table.rows)


def _row_texts(row: list[SourceCell]) -> list[str]:
    return [c.text for c in row]


def _continued(first: Table, second: Table) -> Table:
    """`second` appended to `first` (a table cut by a page break), a repeated header dropped."""
    rows = second.rows
    header = _header_rows(first)
    if header and [_row_texts(r) for r in rows[:header]] == [_row_texts(r) for r in first.rows[:header]]:
        rows = rows[header:]
    offset = len(first.rows)
    moved = [
        [replace(c, row=c.row + offset, origin=(c.origin[0] + offset, c.origin[1]) if c.origin else None) for c in row]
        for row in rows
    ]
    return Table(first.rows + moved)


def _width(table: Table) -> int:
    return max((len(r) for r in table.rows), default=0)


def _join_pages(pages: list[PageRead]) -> list[Block]:
    """Blocks of all pages; a table ending a page and one opening the next, equally wide, are one."""
    blocks: list[Block] = []
    for page in pages:
        for i, (_, block) in enumerate(page.blocks):
            last = blocks[-1] if blocks else None
            if i == 0 and isinstance(block, Table) and isinstance(last, Table) and _width(last) == _width(block):
                blocks[-1] = _continued(last, block)
            else:
                blocks.append(block)
    return blocks


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
    return Document(fmt, _join_pages(pages), pages=len(pages), page_images=page_images, may_be_partial=may_be_partial)


def read_scanned_pdf(data: bytes, settings: Settings, pages: list[int] | None = None) -> Document:
    """A PDF's scanned pages (1-based numbers; all when None) read by OCR."""
    return read_pages(pdf_pages(data, settings, pages), "pdf_scanned", settings)


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
        return read_scanned_pdf(data, settings)


__all__ = ["ImageReader", "Paragraph", "ScannedPdfReader", "read_image_file", "read_scanned_pdf"]
