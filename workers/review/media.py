"""Page images for the review pages: the page a cell was read on, cropped around the cell."""

from __future__ import annotations

import io
from functools import lru_cache

import pypdfium2
from fastapi import HTTPException
from PIL import Image, ImageDraw

from ingest.models import Report
from ingest.scan.images import pdf_pages
from ingest.settings import Settings
from workers.review.source import stored_source
from workers.storage import Storage

_PDF_FORMATS = ("pdf_text", "pdf_scanned")


def has_pages(storage: Storage, name: str, report: Report) -> bool:
    """Page images come from the scan reader's kept pages, else from the stored source PDF."""
    sha, fmt = stored_source(report)
    if storage.has_page_images(name, sha):
        return True
    return fmt in _PDF_FORMATS and storage.has_input(sha)


def page_crop(storage: Storage, settings: Settings, name: str, report: Report, key: str) -> bytes:
    """A PNG of the page around the cell, the cell boxed in red."""
    cell = report.cells.get(key)
    if cell is None or not cell.page or not cell.bbox:
        raise HTTPException(404, f"no page image for {key}")
    sha, fmt = stored_source(report)
    kept = storage.page_image(name, sha, int(cell.page))
    if kept is not None:
        image, scale = Image.open(io.BytesIO(kept)).convert("RGB"), 1.0
    elif fmt in _PDF_FORMATS and sha:
        image, scale = _pdf_page(storage, sha, int(cell.page), fmt, settings)
    else:
        raise HTTPException(404, f"no page image for {key}")
    return _crop_png(image, [float(v) * scale for v in cell.bbox.as_list()])


@lru_cache(maxsize=8)
def _pdf_page(storage: Storage, sha256: str, page: int, fmt: str, settings: Settings) -> tuple[Image.Image, float]:
    """The stored PDF's page the cell's bbox refers to, and the factor from bbox units to its pixels."""
    data = storage.input_bytes(sha256)
    if data is None:
        raise HTTPException(404, "the source document is not stored")
    if fmt == "pdf_scanned":
        # The scan reader's own rendering (before deskewing): bboxes are in its pixels.
        _, bgr = next(pdf_pages(data, settings, [page]))
        return Image.fromarray(bgr[:, :, ::-1].copy()), 1.0
    pdf = pypdfium2.PdfDocument(data)
    try:
        scale = 2.0  # bboxes of text PDFs are in points
        return pdf[page - 1].render(scale=scale).to_pil().convert("RGB"), scale
    finally:
        pdf.close()


def _crop_png(image: Image.Image, box: list[float]) -> bytes:
    x0, y0, x1, y1 = box
    pad_x, pad_y = max(3 * (x1 - x0), 160), max(3 * (y1 - y0), 70)
    area = (max(0, int(x0 - pad_x)), max(0, int(y0 - pad_y)),
            min(image.width, int(x1 + pad_x)), min(image.height, int(y1 + pad_y)))
    crop = image.crop(area)
    ImageDraw.Draw(crop).rectangle((x0 - area[0] - 3, y0 - area[1] - 3, x1 - area[0] + 3, y1 - area[1] + 3),
                                   outline=(220, 0, 0), width=3)
    crop.thumbnail((900, 500))
    buffer = io.BytesIO()
    crop.save(buffer, "PNG")
    return buffer.getvalue()
