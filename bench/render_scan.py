"""Scanned renderings of a generated report: image-only PDFs and page images.

The text PDF (render_docx) is rasterized with pypdfium2 and made to look scanned: a red
official seal (公章) stamped near the end, skew, blur, noise, uneven light, JPEG
artefacts, now and then a page fed landscape or upside down. Where each table row lands
is read from the text PDF's own text layer before degrading, so a single-page image can
say which truth keys it shows (`<stem>.keys.json`).
"""

from __future__ import annotations

import json
import math
import random
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

from bench.render_docx import pdf_with_plan
from bench.report_text import Block, Para
from bench.scan_wear import Wear, dpi_saved, draw_wear, on_paper, optics, wear_stream
from bench.text_layer import TextLine, is_value_line
from bench.truth import ReportTruth

POINTS_PER_INCH = 72.0
SEAL_DIAMETER_MM = 42.0  # the size of a government body's official seal


@dataclass(frozen=True)
class ScanStyle:
    """How one scanner run degrades pages."""

    dpi: int
    skew: float  # degrees, counter-clockwise
    blur: float  # Gaussian sigma at 300 dpi
    noise: float  # std of the sensor noise, 0-255
    jpeg_quality: int
    light_depth: float  # darkening across the page from uneven light
    light_angle: float
    black: int
    white: int


def draw_scan_style(rng: random.Random) -> ScanStyle:
    return ScanStyle(
        dpi=rng.choice([150, 200, 240, 300]),
        skew=rng.choice([-1, 1]) * rng.uniform(0.2, 2.0),
        blur=rng.uniform(0.4, 1.1),
        noise=rng.uniform(3.0, 9.0),
        jpeg_quality=rng.randint(40, 85),
        light_depth=rng.uniform(0.04, 0.18),
        light_angle=rng.uniform(0, 2 * math.pi),
        black=rng.randint(15, 55),
        white=rng.randint(232, 250),
    )


@dataclass
class ScannedPage:
    image: Image.Image
    page: int  # index in the report
    keys: list[str]  # truth keys printed on this page
    sealed: bool
    turn: int  # 0, 90 or 180: how the sheet went through the scanner
    skew: float
    dpi: int


# --- Where things are in the text PDF ---------------------------------------------------------

def _seal_spot(lines: list[TextLine], plan: list[Block], rng: random.Random) -> tuple[int, float, float]:
    """Page and centre (points) of the seal: over the signature, sometimes over section 四's values."""
    s4_values = _s4_value_line(lines, plan)
    if s4_values is not None and rng.random() < 0.3:
        x = rng.uniform(s4_values.x0, s4_values.x1)
        return s4_values.page, x, (s4_values.top + s4_values.bottom) / 2 + rng.uniform(-15, 15)
    return _signature_spot(lines, rng)


def _signature_spot(lines: list[TextLine], rng: random.Random) -> tuple[int, float, float]:
    """Page and centre (points) of a seal over the signature: the report's last lines."""
    date, agency = lines[-1], lines[-2]
    x = (date.x0 + date.x1) / 2 + rng.uniform(-20, 10)
    return date.page, x, (agency.bottom + date.top) / 2 + rng.uniform(-8, 8)


def _s4_value_line(lines: list[TextLine], plan: list[Block]) -> TextLine | None:
    heading = next(b.text for b in plan if isinstance(b, Para) and b.text.startswith("四、"))
    start = next((i for i, ln in enumerate(lines) if heading[:8] in ln.text), None)
    if start is None:
        return None
    return next((ln for ln in lines[start:] if is_value_line(ln.text) and len(ln.text) >= 5), None)


# --- The seal ---------------------------------------------------------------------------------

@lru_cache(maxsize=4)
def _font_file(pattern: str) -> tuple[str, int]:
    """The installed font file (and face index) fontconfig picks for `pattern`."""
    found = subprocess.run(["fc-match", "--format=%{file}:%{index}", pattern],
                           capture_output=True, text=True, check=True).stdout
    path, index = found.rsplit(":", 1)
    return path, int(index)


def _font(size: int) -> ImageFont.FreeTypeFont:
    path, index = _font_file("Noto Serif CJK SC:bold")
    return ImageFont.truetype(path, size, index=index)


def seal_mask(agency: str, diameter: int, rng: random.Random) -> np.ndarray:
    """Ink coverage (0-1) of a round seal: ring, star, the agency's name along the arc."""
    size = diameter + 8
    canvas = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(canvas)
    c = size / 2
    r = diameter / 2
    ring = max(3, int(diameter * 0.035))
    draw.ellipse([c - r, c - r, c + r, c + r], outline=255, width=ring)
    star_r = diameter * 0.17
    points = [(c + (star_r if i % 2 == 0 else star_r * 0.382) * math.sin(i * math.pi / 5),
               c - (star_r if i % 2 == 0 else star_r * 0.382) * math.cos(i * math.pi / 5)) for i in range(10)]
    draw.polygon(points, fill=255)
    # The name runs clockwise along the rim, in tall narrow characters, centred on the top.
    n = max(len(agency), 1)
    span = min(250.0, 120.0 + 12.0 * n)
    per_char = r * 0.74 * math.radians(span) / n
    font_size = max(10, int(min(diameter * 0.13, per_char * 0.95)))
    font = _font(font_size)
    radius = r - ring - font_size * 0.62
    for i, char in enumerate(agency):
        angle = -span / 2 + span * (i + 0.5) / n
        glyph = Image.new("L", (font_size * 2, font_size * 2), 0)
        ImageDraw.Draw(glyph).text((font_size, font_size), char, fill=255, font=font, anchor="mm")
        glyph = glyph.resize((int(font_size * 1.6), font_size * 2)).rotate(-angle, resample=Image.Resampling.BICUBIC,
                                                                           expand=True)
        x = c + radius * math.sin(math.radians(angle)) - glyph.width / 2
        y = c - radius * math.cos(math.radians(angle)) - glyph.height / 2
        canvas.paste(255, (int(x), int(y)), glyph)
    canvas = canvas.rotate(rng.uniform(-25, 25), resample=Image.Resampling.BICUBIC)
    mask = np.asarray(canvas, dtype=np.float32) / 255.0
    # Uneven ink: a blotchy low-frequency pattern and a few dry speckles.
    blotch = cv2.resize(np.asarray([[rng.uniform(0.55, 1.0) for _ in range(6)] for _ in range(6)], np.float32),
                        (size, size), interpolation=cv2.INTER_CUBIC)
    speckle = np.random.default_rng(rng.getrandbits(32)).random((size, size), dtype=np.float32) > 0.08
    coverage: np.ndarray = np.clip(mask * blotch * speckle * rng.uniform(0.8, 0.95), 0.0, 1.0)
    return coverage


def stamp(page: np.ndarray, mask: np.ndarray, centre: tuple[int, int], rng: random.Random) -> None:
    """Print red ink over `page` (RGB, in place): multiplied, so black print stays black."""
    ink = np.array([rng.randint(195, 230), rng.randint(20, 60), rng.randint(30, 70)], np.float32) / 255.0
    h, w = mask.shape
    x0, y0 = centre[0] - w // 2, centre[1] - h // 2
    px0, py0 = max(0, x0), max(0, y0)
    px1, py1 = min(page.shape[1], x0 + w), min(page.shape[0], y0 + h)
    if px1 <= px0 or py1 <= py0:
        return
    a = mask[py0 - y0:py1 - y0, px0 - x0:px1 - x0, None]
    region = page[py0:py1, px0:px1].astype(np.float32)
    page[py0:py1, px0:px1] = (region * (1 - a + a * ink)).astype(np.uint8)


# --- The scanner ------------------------------------------------------------------------------

def scan_look(page: np.ndarray, style: ScanStyle, rng: random.Random,
              worn: Callable[[np.ndarray], np.ndarray] | None = None) -> np.ndarray:
    """`page` (RGB uint8) as a flatbed scanner returns it (`worn`: wear after the optics, see scan_wear)."""
    h, w = page.shape[:2]
    img: np.ndarray = page.astype(np.float32)
    img *= (style.white - style.black) / 255.0
    img += style.black
    # Uneven light: darker towards one side, and a yellowish paper tint.
    xs = np.linspace(-0.5, 0.5, w, dtype=np.float32)[None, :] * math.cos(style.light_angle)
    ys = np.linspace(-0.5, 0.5, h, dtype=np.float32)[:, None] * math.sin(style.light_angle)
    ramp = xs + ys
    light = 1.0 - style.light_depth * (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1e-6)
    img *= light[..., None]
    tint = np.array([1.0, rng.uniform(0.97, 1.0), rng.uniform(0.9, 0.98)], np.float32)
    img *= tint
    img = cv2.GaussianBlur(img, (0, 0), sigmaX=style.blur * style.dpi / 300)
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), style.skew, 1.0)
    paper = tuple(float(v) for v in style.white * tint)
    img = cv2.warpAffine(img, turn, (w, h), flags=cv2.INTER_LINEAR, borderValue=paper)
    if worn is not None:
        img = worn(img)
        h, w = img.shape[:2]
    # Sensor noise: per-pixel grain, and a faint blotchy colour noise.
    cv2.setRNGSeed(rng.getrandbits(31))
    grain = np.empty((h, w), np.float32)
    cv2.randn(grain, np.zeros(1), np.full(1, style.noise))
    colour = np.random.default_rng(rng.getrandbits(32)).normal(0.0, style.noise * 0.4, (h // 4, w // 4, 3))
    img = cv2.add(img, cv2.merge([grain] * 3))
    img = cv2.add(img, cv2.resize(colour.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR))
    bgr = cv2.cvtColor(np.clip(img, 0, 255).astype(np.uint8), cv2.COLOR_RGB2BGR)
    ok, encoded = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, style.jpeg_quality])
    decoded = cv2.imdecode(encoded, cv2.IMREAD_COLOR) if ok else None
    if decoded is None:
        raise RuntimeError("JPEG round trip failed")
    rgb: np.ndarray = cv2.cvtColor(decoded, cv2.COLOR_BGR2RGB)
    return rgb


@dataclass(frozen=True)
class PrintedReport:
    """The report printed at `dpi`: RGB page rasters, the page of each truth key, and where
    the seal goes (page, centre in points)."""

    rasters: list[np.ndarray]
    key_pages: dict[str, int]
    seal_page: int
    seal_centre: tuple[float, float]
    dpi: int

    def stamp_seal(self, page: np.ndarray, agency: str, rng: random.Random) -> None:
        """The seal pressed on `page` (the seal page's raster, in place)."""
        diameter = int(SEAL_DIAMETER_MM / 25.4 * self.dpi * rng.uniform(0.9, 1.05))
        scale = self.dpi / POINTS_PER_INCH
        x, y = self.seal_centre
        stamp(page, seal_mask(agency, diameter, rng), (int(x * scale), int(y * scale)), rng)


def print_report(truth: ReportTruth, rng: random.Random, dpi: int, seal_on_signature: bool = False) -> PrintedReport:
    """The report laid out (render_docx), printed at `dpi` and its seal's place drawn: over the
    signature, or (unless `seal_on_signature`) sometimes over section 四's values."""
    with tempfile.TemporaryDirectory(prefix="bench-scan-") as tmp:
        pdf_path, plan, lines, key_pages = pdf_with_plan(truth, Path(tmp) / "report", rng)
        seal_page, seal_x, seal_y = _signature_spot(lines, rng) if seal_on_signature else _seal_spot(lines, plan, rng)
        pdf = pdfium.PdfDocument(str(pdf_path))
        try:
            rasters = [np.asarray(page.render(scale=dpi / POINTS_PER_INCH).to_pil().convert("RGB")) for page in pdf]
        finally:
            pdf.close()
    return PrintedReport(rasters, key_pages, seal_page, (seal_x, seal_y), dpi)


@dataclass(frozen=True)
class HardScan:
    """A scan run fixed rather than drawn: one resolution and skew for every sheet, the sheet
    that opens a section's table fed turned, the seal over the signature, and a scan mode.
    The conditions of a report once lost whole (gray, 200 dpi, 1.7°, section 三 sideways)."""

    dpi: int = 200
    skew: float = 1.7
    turned_section: str = "s3."
    turn: int = 90
    mode: str = "L"  # PIL mode of the pages: "RGB", "L" (gray) or "1" (black and white)


def scan_report(truth: ReportTruth, rng: random.Random, hard: HardScan | None = None,
                wear: Wear | None = None) -> list[ScannedPage]:
    """Every page of the report, printed, sealed and scanned (under `hard`'s conditions if given,
    with `wear` if given)."""
    style = worn_style(draw_scan_style(rng), wear)
    if hard is not None:
        style = replace(style, dpi=hard.dpi, skew=hard.skew)
    printed = print_report(truth, rng, style.dpi, seal_on_signature=hard is not None)
    rasters, key_pages, seal_page = printed.rasters, printed.key_pages, printed.seal_page
    turns = [0] * len(rasters)
    if hard is not None:
        turns[min(p for k, p in key_pages.items() if k.startswith(hard.turned_section))] = hard.turn
    elif rng.random() < 0.15:
        turns[rng.randrange(len(rasters))] = rng.choice([90, 90, 180])
    if wear is not None:
        rasters = on_paper(rasters, wear, style.dpi)
    pages = []
    for index, raster in enumerate(rasters):
        page = raster.copy()
        if index == seal_page:
            printed.stamp_seal(page, truth.agency, rng)
        # Each sheet lies a little differently on the glass, but never straight.
        skew = style.skew + (rng.uniform(-0.15, 0.15) if hard is None else rng.uniform(-0.3, 0))
        page_style = replace(style, skew=math.copysign(max(abs(skew), 0.2), style.skew))
        scanned = scan_look(page, page_style, rng, page_wear(wear, index, style.dpi))
        if turns[index]:
            scanned = np.ascontiguousarray(np.rot90(scanned, k=turns[index] // 90))
        keys = [k for k in truth.cells if key_pages.get(k) == index]
        image = Image.fromarray(scanned)
        if hard is not None and hard.mode != "RGB":
            image = _in_mode(image, hard.mode)
        pages.append(ScannedPage(image, index, keys, index == seal_page, turns[index], page_style.skew, style.dpi))
    return pages


def worn_style(style: ScanStyle, wear: Wear | None) -> ScanStyle:
    """The scanner's style with faded toner's gray ink on gray paper, and heavy JPEG, if worn so."""
    if wear is not None and wear.faded is not None:
        style = replace(style, black=wear.faded[0], white=wear.faded[1])
    if wear is not None and wear.jpeg_quality is not None:
        style = replace(style, jpeg_quality=wear.jpeg_quality)
    return style


def page_wear(wear: Wear | None, index: int, dpi: int) -> Callable[[np.ndarray], np.ndarray] | None:
    """The wear after the scanner's optics of page `index` (none without `wear`)."""
    return None if wear is None else optics(wear, random.Random(f"{wear.seed}/optics/{index}"), dpi)


def draw_hard_scan(rng: random.Random) -> HardScan:
    """Hard conditions drawn: 150-300 dpi, skew up to 1.7°, the sheet opening section 三 or
    四 turned a quarter (either way) or half round, colour, gray or black and white."""
    return HardScan(dpi=rng.choice([150, 200, 240, 300]), skew=rng.choice([-1, 1]) * rng.uniform(0.6, 1.7),
                    turned_section=rng.choice(["s3.", "s3.", "s4."]), turn=rng.choice([90, 270, 180]),
                    mode=rng.choice(["RGB", "L", "L", "1"]))


def render_turned_scan(truth: ReportTruth, out: Path, rng: random.Random, hard: HardScan | None = None) -> Path:
    """Renderer: an image-only PDF scanned under hard conditions, a table page turned
    (`hard`, or drawn from `rng`); the file name tells the scan mode (the benchmark's variant)."""
    hard = hard or draw_hard_scan(rng)
    mode = {"RGB": "colour", "L": "gray", "1": "bw"}[hard.mode]
    return write_scanned_pdf(scan_report(truth, rng, hard), out.with_name(f"{out.name}.{mode}.pdf"), rng)


def render_fax(truth: ReportTruth, out: Path, rng: random.Random) -> Path:
    """Renderer: an image-only PDF scanned black and white at 150 dpi, as a fax or an office
    scanner's smallest setting gives it: hair-thin rules, thresholded strokes, 0.2-1.7° skew."""
    wear = draw_wear(wear_stream(rng), bilevel=True)
    hard = HardScan(dpi=150, skew=rng.choice([-1, 1]) * rng.uniform(0.2, 1.7), turn=0, mode="1")
    return write_scanned_pdf(scan_report(truth, rng, hard, wear), out, rng)


# A fax machine's resolutions (dots per inch across, lines per inch down): standard and fine.
FAX_STANDARD = (204, 98)
FAX_FINE = (204, 196)


def render_fax_tiff(truth: ReportTruth, out: Path, rng: random.Random) -> Path:
    """Renderer: a fax received as a multi-page TIFF (CCITT group 4), as fax servers store
    them: black and white at 204 dpi across and, more often than not, the standard 98 lines an
    inch down (each page stored half as tall as it is, its pixels twice as tall as wide)."""
    wear = draw_wear(wear_stream(rng), bilevel=True)
    x_dpi, y_dpi = FAX_STANDARD if rng.random() < 0.6 else FAX_FINE
    hard = HardScan(dpi=x_dpi, skew=rng.choice([-1, 1]) * rng.uniform(0.2, 1.2), turn=0, mode="L")
    pages = []
    for page in scan_report(truth, rng, hard, wear):
        # The fax scans each line of the page once: rows are averaged down, then thresholded.
        lines = page.image.resize((page.image.width, round(page.image.height * y_dpi / x_dpi)), Image.Resampling.BOX)
        pages.append(_in_mode(lines, "1"))
    path = out.with_suffix(".tif")
    pages[0].save(path, save_all=True, append_images=pages[1:], compression="group4", dpi=(x_dpi, y_dpi))
    return path


def render_pdf_scanned(truth: ReportTruth, out: Path, rng: random.Random) -> Path:
    """Renderer: an image-only PDF of the scanned pages (<out>.pdf), now and then worn (scan_wear)."""
    wear = draw_wear(wear_stream(rng))
    return write_scanned_pdf(scan_report(truth, rng, wear=wear), out, rng)


def render_image(truth: ReportTruth, out: Path, rng: random.Random) -> Path:
    """Renderer: one scanned page as PNG/JPEG/TIFF with `<stem>.keys.json` listing the truth
    keys it shows, or now and then the whole report as a multi-page TIFF (no keys file); now
    and then worn (scan_wear), its DPI wrong or missing among that."""
    wear = draw_wear(wear_stream(rng))
    return write_image(scan_report(truth, rng, wear=wear), out, rng, wear)


def write_scanned_pdf(pages: list[ScannedPage], out: Path, rng: random.Random) -> Path:
    """The pages as one PDF of JPEG images, as a scanner's "scan to PDF" writes it (<out>.pdf)."""
    path = out.with_suffix(".pdf")
    first, *rest = [p.image for p in pages]
    quality = rng.randint(60, 85)
    # Black-and-white pages go in as CCITT fax images, which take no JPEG quality.
    options = {} if first.mode == "1" else {"quality": quality}
    first.save(path, "PDF", save_all=True, append_images=rest, resolution=pages[0].dpi, **options)
    return path


def write_image(pages: list[ScannedPage], out: Path, rng: random.Random, wear: Wear | None = None) -> Path:
    """Mostly one page (the start of section 三's table more often than not) with its keys file;
    sometimes every page in one multi-page TIFF. The DPI saved is the scan's unless `wear` says otherwise."""
    if rng.random() < 0.2:
        path = out.with_suffix(".tif")
        first, *rest = [_tiff_mode(p.image, rng) for p in pages]
        first.save(path, save_all=True, append_images=rest, compression="tiff_lzw", **dpi_saved(wear, pages[0].dpi))
        return path
    s3_start = next(p for p in pages if any(k.startswith("s3.") for k in p.keys))
    chosen = s3_start if rng.random() < 0.6 else rng.choice([p for p in pages if p.keys])
    kind = rng.choice(["png", "jpg", "tif"])
    path = out.with_suffix(f".{kind}")
    dpi = dpi_saved(wear, chosen.dpi)
    if kind == "png":
        chosen.image.save(path, **dpi)
    elif kind == "jpg":
        chosen.image.save(path, quality=rng.randint(60, 90), **dpi)
    else:
        _tiff_mode(chosen.image, rng).save(path, compression="tiff_lzw", **dpi)
    out.with_name(out.name + ".keys.json").write_text(json.dumps(chosen.keys, ensure_ascii=False), encoding="utf-8")
    return path


def _tiff_mode(image: Image.Image, rng: random.Random) -> Image.Image:
    """Colour, grey, or now and then the black-and-white of a document scanner."""
    roll = rng.random()
    return _in_mode(image, "RGB" if roll < 0.5 else "L" if roll < 0.85 else "1")


def _in_mode(image: Image.Image, mode: str) -> Image.Image:
    """The page as a scanner in colour ("RGB"), gray ("L") or black-and-white ("1") mode gives it."""
    if mode == "RGB":
        return image.copy()  # a fresh image: Pillow keeps the options of an earlier save on the object
    grey = image.convert("L")
    return grey if mode == "L" else grey.point(lambda v: 255 if v > 150 else 0).convert("1")

