"""The report's web page printed by a browser (headless Chromium), and that print scanned.

Another renderer than LibreOffice: the site's sidebar beside the title, Kangxi radicals (⼀)
for CJK characters in the text layer, fonts pdfminer finds ill-described, and tables a page
break leaves open (no rule above the rows continued on the next page). Nothing is fetched:
the page is a local file whose links are local paths, and Chromium's own network features are off.
"""

from __future__ import annotations

import random
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image

from bench.render_html import render_html
from bench.render_scan import (
    POINTS_PER_INCH,
    ScannedPage,
    draw_scan_style,
    page_wear,
    scan_look,
    worn_style,
    write_scanned_pdf,
)
from bench.scan_wear import draw_wear, on_paper, wear_stream
from bench.truth import ReportTruth

CHROMIUM = Path("/usr/bin/chromium")
_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic", "--no-pdf-header-footer")
_TIMEOUT_S = 120


def print_page(page: Path, pdf: Path) -> Path:
    """`page` printed to `pdf` by headless Chromium."""
    subprocess.run([str(CHROMIUM), *_ARGS, f"--print-to-pdf={pdf}", page.resolve().as_uri()],
                   check=True, capture_output=True, timeout=_TIMEOUT_S)
    if not pdf.exists():
        raise RuntimeError(f"Chromium printed nothing for {page}")
    return pdf


# Share of printed web pages whose tables show no rules (a site's style sheet draws none): a
# real page printed so set its columns a space apart (13612 252 0 45 128 32 14069).
_BORDERLESS = 0.2


def _without_rules(page: Path) -> None:
    """The page's tables drawn without rules."""
    raw = page.read_bytes()
    page.write_bytes(raw.replace(b' border="1"', b' border="0"').replace(b"border: 1px solid #000;", b"border: none;"))


def render_browser_pdf(truth: ReportTruth, out: Path, rng: random.Random) -> Path:
    """Renderer: the report's web page as a browser prints it to PDF (<out>.pdf), now and then
    with its tables drawn without rules (drawn apart, so other documents keep theirs)."""
    return _printed_web_page(truth, out, rng, rules_may_go=True)


def _printed_web_page(truth: ReportTruth, out: Path, rng: random.Random, rules_may_go: bool) -> Path:
    with tempfile.TemporaryDirectory(prefix="bench-browser-") as tmp:
        page = render_html(truth, Path(tmp) / out.name, rng)
        if rules_may_go and random.Random(f"{truth.seed}/borderless").random() < _BORDERLESS:
            _without_rules(page)
            truth.forms.append("borderless")
        return print_page(page, out.with_suffix(".pdf"))


def render_browser_scan(truth: ReportTruth, out: Path, rng: random.Random) -> Path:
    """Renderer: the browser's print of the web page, printed on paper and scanned (<out>.pdf),
    now and then worn (scan_wear)."""
    wear = draw_wear(wear_stream(rng))
    style = worn_style(draw_scan_style(rng), wear)
    with tempfile.TemporaryDirectory(prefix="bench-browser-") as tmp:
        printed = _printed_web_page(truth, Path(tmp) / out.name, rng, rules_may_go=False)
        pdf = pdfium.PdfDocument(str(printed))
        try:
            rasters = [np.asarray(p.render(scale=style.dpi / POINTS_PER_INCH).to_pil().convert("RGB")) for p in pdf]
        finally:
            pdf.close()
    pages = []
    for index, raster in enumerate(on_paper(rasters, wear, style.dpi)):
        skew = style.skew + rng.uniform(-0.15, 0.15)
        scanned = scan_look(raster, replace(style, skew=skew), rng, page_wear(wear, index, style.dpi))
        pages.append(ScannedPage(Image.fromarray(scanned), index, [], False, 0, skew, style.dpi))
    return write_scanned_pdf(pages, out, rng)
