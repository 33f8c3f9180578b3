"""Image files decoded to the pixels PIL gives, whichever library decodes them: TIFF frames
OpenCV decodes (8-bit gray or colour, losslessly compressed) and those left to PIL alike; a
frame whose resolution differs across and down (a fax's 204 x 98 dpi) made square."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageOps

from ingest.scan.images import _opencv_frame, image_pages
from ingest.settings import Settings


def _pil_pages(data: bytes) -> list[np.ndarray]:
    """Each frame as PIL decodes it, EXIF turn applied, as BGR."""
    image = Image.open(io.BytesIO(data))
    pages = []
    for index in range(getattr(image, "n_frames", 1)):
        image.seek(index)
        frame = ImageOps.exif_transpose(image).convert("RGB")
        pages.append(np.asarray(frame)[:, :, ::-1])
    return pages


def _tiff(mode: str, compression: str, frames: int = 1) -> bytes:
    rng = np.random.default_rng(3)
    images = [Image.fromarray(rng.integers(0, 256, (400, 320, 3), dtype=np.uint8)).convert(mode)
              for _ in range(frames)]
    buffer = io.BytesIO()
    images[0].save(buffer, "TIFF", compression=compression, save_all=True, append_images=images[1:])
    return buffer.getvalue()


@pytest.mark.parametrize(("mode", "compression", "by_opencv"), [
    ("RGB", "tiff_lzw", True), ("L", "tiff_lzw", True), ("RGB", "tiff_adobe_deflate", True), ("L", "raw", True),
    ("RGB", "jpeg", False), ("1", "group4", False),
])
def test_tiff_frames_come_out_as_pil_decodes_them(settings: Settings, mode: str, compression: str,
                                                  by_opencv: bool) -> None:
    data = _tiff(mode, compression, frames=3)
    first = Image.open(io.BytesIO(data))
    assert (_opencv_frame(first, data, 0) is not None) == by_opencv
    pages = list(image_pages(data, settings))
    expected = _pil_pages(data)
    assert len(pages) == len(expected) == 3
    assert all(page.shape == want.shape and (page == want).all() for page, want in zip(pages, expected, strict=True))


def test_an_exif_turn_is_applied(settings: Settings) -> None:
    image = Image.fromarray(np.random.default_rng(4).integers(0, 256, (300, 400, 3), dtype=np.uint8))
    exif = Image.Exif()
    exif[0x0112] = 6  # turned a quarter: shown 400 high, 300 wide
    for fmt in ("TIFF", "JPEG"):
        buffer = io.BytesIO()
        image.save(buffer, fmt, exif=exif.tobytes())
        pages = list(image_pages(buffer.getvalue(), settings))
        assert pages[0].shape == (400, 300, 3)
        assert (pages[0] == _pil_pages(buffer.getvalue())[0]).all()


@pytest.mark.parametrize(("dpi", "shape"), [((204, 98), (833, 320)), ((98, 204), (400, 666)),
                                            ((204, 196), (400, 320)), (None, (400, 320))])
def test_a_fax_frames_pixels_are_made_square(settings: Settings, dpi: tuple[int, int] | None,
                                             shape: tuple[int, int]) -> None:
    image = Image.fromarray(np.random.default_rng(5).integers(0, 256, (400, 320), dtype=np.uint8)).convert("1")
    buffer = io.BytesIO()
    image.save(buffer, "TIFF", compression="group4", **({"dpi": dpi} if dpi else {}))
    pages = list(image_pages(buffer.getvalue(), settings))
    assert pages[0].shape == (*shape, 3)

