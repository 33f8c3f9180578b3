"""Page images from image files (PNG, JPEG, TIFF, BMP, WebP, GIF) and scanned PDFs, as BGR arrays.

Sizes are checked against `limits.scan_pixels` before anything is decoded at full size, so a
decompression bomb costs a header read only.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator

import cv2
import numpy as np
import pypdfium2
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from ingest.errors import ErrorCode, InputError
from ingest.settings import Settings
from ingest.tools.pdfium import load_page, open_pdf

# Smaller than this on either side cannot hold a readable report table.
MIN_SIDE = 300
POINTS_PER_INCH = 72.0
# TIFFs decoded by OpenCV (`_opencv_frame`): losslessly compressed ones (a JPEG-compressed
# TIFF's colour may be converted otherwise). OpenCV was slower than PIL on PNGs.
_OPENCV_COMPRESSIONS = frozenset({"raw", "tiff_lzw", "tiff_adobe_deflate", "tiff_deflate", "packbits"})
# Resolutions this far apart across and down (a fax's 204 x 98 dpi) are pixels of two shapes;
# a fine fax's 204 x 196 is near enough square.
_UNEVEN_DPI = 1.25


def _check_size(width: int, height: int, settings: Settings) -> None:
    limit = settings.limits.scan_pixels
    if width * height > limit:
        raise InputError(ErrorCode.FILE_TOO_LARGE, f"a {width}x{height} page image; the limit is {limit} pixels")
    if min(width, height) < MIN_SIDE:
        raise InputError(ErrorCode.NOT_A_REPORT, f"a {width}x{height} image is too small to hold a report")


def _opencv_frame(image: Image.Image, data: bytes, index: int) -> np.ndarray | None:
    """Frame `index` of a TIFF decoded by OpenCV when that gives PIL's pixels (8-bit gray or
    colour, no EXIF turn), else None. Seed 879's colour LZW TIFFs: the same pixels for 0.09 CPU s
    a 300-dpi page against PIL's 0.14 (decoding and conversion to BGR). PIL still reads the
    headers (sizes, frames), and decodes what OpenCV cannot (a damaged frame: its error stands)."""
    if image.format != "TIFF" or image.info.get("compression") not in _OPENCV_COMPRESSIONS \
            or image.mode not in ("RGB", "L"):
        return None
    if _exif_turned(image):
        return None
    ok, frames = cv2.imdecodemulti(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR, range=(index, index + 1))
    if not ok or len(frames) != 1 or frames[0].shape != (image.height, image.width, 3):
        return None
    frame: np.ndarray = frames[0]
    return frame


def _exif_turned(image: Image.Image) -> bool:
    """Whether the image's EXIF says to turn or mirror it for display."""
    return bool(image.getexif().get(ExifTags.Base.Orientation, 1) != 1)


def _to_bgr(image: Image.Image) -> np.ndarray:
    if _exif_turned(image):
        # Else not called: without a turn to make, it copies the page.
        image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        # Transparent pixels of a PNG are paper: flatten onto white.
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, "white")
        image.paste(rgba, mask=rgba.split()[3])
    # One OpenCV conversion (a copy) rather than PIL's to RGB and a reversed copy of that.
    pixels = np.asarray(image)
    return cv2.cvtColor(pixels, cv2.COLOR_GRAY2BGR if image.mode == "L" else cv2.COLOR_RGB2BGR)


def _square_scales(image: Image.Image) -> tuple[float, float]:
    """How much to stretch the frame across and down for square pixels: a fax's
    TIFF at standard resolution (204 x 98 dpi) is stored half as tall as its page, its
    characters squashed (seed 4111's fax so: 156 of 200 cells right, 195 flagged). The coarser
    side is stretched to the finer's resolution."""
    dpi = image.info.get("dpi")
    try:
        x_dpi, y_dpi = (float(d) for d in dpi) if dpi else (0.0, 0.0)
    except (TypeError, ValueError):
        return 1.0, 1.0
    if min(x_dpi, y_dpi) <= 0 or max(x_dpi, y_dpi) / min(x_dpi, y_dpi) < _UNEVEN_DPI:
        return 1.0, 1.0
    return (1.0, x_dpi / y_dpi) if x_dpi > y_dpi else (y_dpi / x_dpi, 1.0)


def image_pages(data: bytes, settings: Settings) -> Iterator[np.ndarray]:
    """Every frame of an image file (multi-page TIFF too), EXIF orientation applied, its
    pixels made square."""
    with warnings.catch_warnings():
        # PIL warns above its own bomb limit; ours is checked explicitly below.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except Image.DecompressionBombError as exc:
            raise InputError(ErrorCode.FILE_TOO_LARGE, f"the image is too large to decode: {exc}") from None
        except (UnidentifiedImageError, OSError) as exc:
            raise InputError(ErrorCode.DAMAGED_DOCUMENT, f"the image cannot be opened: {exc}") from None
        frames = getattr(image, "n_frames", 1)
        if frames > settings.limits.scan_pages:
            raise InputError(
                ErrorCode.FILE_TOO_LARGE, f"the image has {frames} pages; the limit is {settings.limits.scan_pages}"
            )
        for index in range(frames):
            try:
                image.seek(index)
                x_scale, y_scale = _square_scales(image)
                _check_size(round(image.width * x_scale), round(image.height * y_scale), settings)
                frame = _opencv_frame(image, data, index)
                if frame is None:
                    image.load()
                    frame = _to_bgr(image)
                if (x_scale, y_scale) != (1.0, 1.0):
                    height, width = frame.shape[:2]
                    size = (round(width * x_scale), round(height * y_scale))
                    frame = cv2.resize(frame, size, interpolation=cv2.INTER_CUBIC)
                yield frame
            except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
                raise InputError(ErrorCode.DAMAGED_DOCUMENT, f"the image is damaged or truncated: {exc}") from None


def _embedded_dpi(page: pypdfium2.PdfPage, width_pt: float) -> float | None:
    """Resolution of the largest image on the page (a scan is one page-sized image)."""
    best: float | None = None
    for obj in page.get_objects(filter=(pypdfium2.raw.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
        pixel_width, _ = obj.get_size()
        left, _, right, _ = obj.get_pos()
        if right - left > width_pt * 0.5:
            dpi = pixel_width / ((right - left) / POINTS_PER_INCH)
            best = max(best or 0.0, dpi)
    return best


def _render(page: pypdfium2.PdfPage, scale: float) -> np.ndarray:
    """The page as a BGR array; pdfium's BGRx bitmap (OpenCV's channel order plus one) is
    let go here rather than held while the page is read."""
    bgrx = page.render(scale=scale).to_numpy()
    return np.ascontiguousarray(bgrx[:, :, :3])


def pdf_pages(source: bytes | pypdfium2.PdfDocument, settings: Settings,
              pages: list[int] | None = None) -> Iterator[tuple[int, np.ndarray]]:
    """(1-based page number, BGR image) of a PDF's pages (its bytes, or the PDF open: left
    open), rendered at the scan's own resolution."""
    pdf = open_pdf(source) if isinstance(source, bytes) else source
    try:
        count = len(pdf)
        wanted = pages if pages is not None else list(range(1, count + 1))
        if len(wanted) > settings.limits.scan_pages:
            raise InputError(
                ErrorCode.FILE_TOO_LARGE, f"{len(wanted)} scanned pages; the limit is {settings.limits.scan_pages}"
            )
        for number in wanted:
            page = load_page(pdf, number - 1)
            try:
                width_pt, height_pt = page.get_size()
                dpi = _embedded_dpi(page, width_pt) or 200.0
                dpi = min(max(dpi, settings.scan.min_dpi), settings.scan.max_dpi)
                scale = dpi / POINTS_PER_INCH
                _check_size(int(width_pt * scale), int(height_pt * scale), settings)
                yield number, _render(page, scale)
            finally:
                page.close()
    finally:
        if pdf is not source:
            pdf.close()
