"""Scanned pages worn in ways the generator does not make, read end to end: print faded to
gray on gray paper, the dark bands a scanner's lid leaves along a page's edges, and the lid's
gray dithered around a black-and-white scan's sheet. Each once lost most of a table (the faded
rules fell above the paper cut; the bands made the rules look several times as thick as they
are) or a page's text (the dither's specks joined every line into one)."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bench.render_scan import scan_report
from bench.truth import make_truth
from ingest.models import Paragraph
from ingest.output import report_to_dict
from ingest.pipeline import convert_file
from ingest.readers.scan import read_image_file
from ingest.scan.page import prepare
from ingest.scan.preprocess import whiten_dithered_surround, whiten_scanner_edges
from ingest.settings import Settings
from tests.conftest import same_value


def _faded(page: np.ndarray) -> np.ndarray:
    """Ink no darker than 90 on paper at most 240."""
    return (90 + page.astype(np.float32) * (150 / 255)).astype(np.uint8)


def _lid_edges(page: np.ndarray) -> np.ndarray:
    """Near-black bands along the left (3 % of the width) and top (2 % of the height)."""
    out = page.copy()
    h, w = out.shape[:2]
    out[:, : int(0.03 * w)] = 25
    out[: int(0.02 * h)] = 30
    return out


@pytest.mark.parametrize("wear", [_faded, _lid_edges], ids=["faded", "lid-edges"])
def test_worn_table_page_is_read(tmp_path: Path, settings: Settings, wear: Callable[[np.ndarray], np.ndarray]) -> None:
    """Every cell of section 三 right on its first page (a gray 150-dpi scan)."""
    truth = make_truth(977_000_000)
    pages = scan_report(truth, random.Random("977/image/0"))
    page = max(pages, key=lambda p: sum(k.startswith("s3.") for k in p.keys))
    path = tmp_path / "worn.png"
    Image.fromarray(wear(np.asarray(page.image.convert("L")))).save(path, dpi=(page.dpi, page.dpi))
    result = report_to_dict(convert_file(path, settings))
    keys = [k for k in page.keys if k.startswith("s3.")]
    assert len(keys) >= 70
    wrong = {k: result["cells"].get(k, {}).get("value") for k in keys
             if not same_value(result["cells"].get(k, {}).get("value"), truth.cells[k])}
    assert not wrong


def test_solid_ink_away_from_the_edges_stays() -> None:
    """A band touching the edge is whitened; a black box inside the page (a redaction) and
    the print beside it are not."""
    page = np.full((1000, 800), 255, np.uint8)
    page[:, :30] = 20
    page[400:500, 300:500] = 0
    page[600:603, 100:700] = 0  # a rule
    out = whiten_scanner_edges(page)
    assert (out[:, :30] == 255).all()
    assert (out[400:500, 300:500] == 0).all()
    assert (out[600:603, 100:700] == 0).all()


def test_a_wide_lid_band_leaves_no_rule() -> None:
    """A band wider than the light's flattening reaches (80 px of a 300-dpi page) became
    paper edged with a long dark line, taken for a rule; whitened first, nothing is left."""
    page = np.full((3508, 2481, 3), 210, np.uint8)
    page[-80:] = 23
    page[:, -60:] = 47
    rulings = prepare(page).rulings
    assert not rulings.horizontal.any()
    assert not rulings.vertical.any()


def _dithered_surround(page: Image.Image) -> Image.Image:
    """The sheet off-centre on a larger glass under a gray lid, scanned black and white: the
    print cut at the scanner's threshold, the lid's gray (near that cut, with the sensor's
    noise) come out as specks, a tenth of its pixels."""
    gray = np.asarray(page.convert("L"))
    h, w = gray.shape
    glass = np.where(np.random.default_rng(8484).random((h + 120, w + 90)) < 0.1, 0, 255).astype(np.uint8)
    glass[70:70 + h, 30:30 + w] = np.where(gray < 160, 0, 255)
    return Image.fromarray(glass).convert("1")


def test_a_black_and_white_scan_in_a_dithered_surround_keeps_its_title(settings: Settings) -> None:
    """The title page's lines are read, the agency's name and the year among them: the dither's
    specks no longer join every text line into one (the page read as nothing)."""
    truth = make_truth(8484_000_002)
    page = scan_report(truth, random.Random("8484/fax/2"))[0]
    data = io.BytesIO()
    _dithered_surround(page.image).save(data, "PNG", dpi=(page.dpi, page.dpi))
    lines = [b.text for b in read_image_file(data.getvalue(), settings).blocks if isinstance(b, Paragraph)]
    assert len(lines) >= 10
    assert any(truth.agency in line for line in lines)
    assert any(f"{truth.year}年" in line for line in lines)


def test_a_dithered_surround_is_whitened_and_the_print_and_a_dithered_page_stay() -> None:
    rng = np.random.default_rng(7)
    page = np.full((1400, 1000), 255, np.uint8)
    surround = np.ones(page.shape, bool)
    surround[80:-80, 60:-60] = False
    page[surround & (rng.random(page.shape) < 0.08)] = 0
    page[300:330, 200:800] = 0  # a line of print
    page[500:503, 100:900] = 0  # a rule
    page[700:704, 400:404] = 0  # a full stop
    out = whiten_dithered_surround(page)
    assert (out[surround] == 255).all()
    assert (out[~surround] == page[~surround]).all()
    # A page dithered all over (printed on a gray ground) is no sheet in a surround.
    ground = np.where(rng.random(page.shape) < 0.08, 0, 255).astype(np.uint8)
    assert (whiten_dithered_surround(ground) == ground).all()
