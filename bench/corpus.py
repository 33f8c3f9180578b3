"""A corpus of generated reports: documents/ and, for each, truth/<document name>.json.

The same seeds give the same reports in every format, so formats compare on equal
terms. Regenerate one with

    python -m bench.corpus --out DIR --formats text,docx --n 20 --seed 1 [--styles webpage] [--faces other]

Text comes in the five line styles of render_text, drawn per document as before, plus one
crawled web page's text (the `webpage` style) per four of them, generated after them so that
the five keep their documents seed for seed; `--styles` generates `n` of the named styles only.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import math
import random
import re
import subprocess
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.plant import plant_pairs
from bench.render_text import ALL_STYLES, render_text
from bench.render_webpage import STYLE as WEBPAGE
from bench.truth import ReportTruth, make_truth
from ingest.tools.environment import variable_set

Renderer = Callable[[ReportTruth, Path, random.Random], Path]

# Format -> (module, function) of its renderer, imported when first used.
RENDERERS: dict[str, tuple[str, str]] = {
    "text": ("bench.render_text", "render_text"),
    "docx": ("bench.render_docx", "render_docx"),
    "doc": ("bench.render_docx", "render_doc"),
    "pdf_text": ("bench.render_docx", "render_pdf_text"),
    "html": ("bench.render_html", "render_html"),
    "pdf_scanned": ("bench.render_scan", "render_pdf_scanned"),
    "image": ("bench.render_scan", "render_image"),
    # Scanned PDFs with a table page turned, in hard conditions (issue 17's lost report).
    "pdf_turned": ("bench.render_scan", "render_turned_scan"),
    # Black-and-white 150-dpi scanned PDFs (fax-like).
    "fax": ("bench.render_scan", "render_fax"),
    # A fax as a fax server stores it: a multi-page TIFF at 204 x 98 (or 196) dpi.
    "fax_tiff": ("bench.render_scan", "render_fax_tiff"),
    # A phone photo of one printed page on a desk (perspective, shadow, bow, JPEG).
    "photo": ("bench.render_photo", "render_photo"),
    # The web page printed by a browser (Chromium) to PDF, and that print scanned: another
    # renderer than LibreOffice's.
    "browser_pdf": ("bench.render_browser", "render_browser_pdf"),
    "browser_scan": ("bench.render_browser", "render_browser_scan"),
}
FORMATS = tuple(RENDERERS)
KEYS_SUFFIX = ".keys.json"


@dataclass(frozen=True)
class CorpusItem:
    document: Path
    truth_path: Path
    format: str
    # What the renderer varied that the breakdown should show (the text style), if any.
    variant: str | None

    def truth(self) -> ReportTruth:
        return ReportTruth.from_json(self.raw_truth())

    def raw_truth(self) -> dict[str, Any]:
        raw: dict[str, Any] = json.loads(self.truth_path.read_text(encoding="utf-8"))
        return raw

    def visible_keys(self) -> set[str] | None:
        keys = self.raw_truth().get("visible_keys")
        return set(keys) if keys is not None else None


def renderer_for(fmt: str) -> Renderer:
    """The renderer of a format; a clear error when its module is not written yet."""
    if fmt not in RENDERERS:
        raise ValueError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    module_name, function = RENDERERS[fmt]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        raise RuntimeError(f"no renderer for {fmt!r} yet: module {module_name} does not exist") from exc
    renderer: Renderer = getattr(module, function)
    return renderer


def _variant(stem: str, document: Path) -> str | None:
    """The part of the file name the renderer added between the stem and the extension."""
    middle = document.name[len(stem):].rsplit(".", 1)[0].strip(".")
    return middle or None


# Text: one web page per this many documents in the five line styles.
WEB_PAGE_EVERY = 4


def _text_renderers(n: int, seed: int, styles: list[str] | None) -> list[tuple[int, Callable[..., Path]]]:
    """Document index and renderer of each text document: the five drawn styles (unchanged
    draws) then the web pages; or `n` documents of the chosen styles, drawn evenly."""
    if styles is None:
        web = functools.partial(render_text, style=WEBPAGE)
        return [(i, render_text) for i in range(n)] + [(n + j, web) for j in range(math.ceil(n / WEB_PAGE_EVERY))]
    return [(i, functools.partial(render_text, style=random.Random(f"{seed}/style/{i}").choice(styles)))
            for i in range(n)]


# Reports name Windows' faces (宋体, 仿宋_GB2312, 黑体...), which Debian lacks: fontconfig
# printed them all in one sans face, where real reports' tables are mostly in 宋体, a serif
# face (seed 871's images in serif: 84.6 % of cells right, against 100 % in sans, until
# fixed). LibreOffice and Chromium, started while generating, read these aliases.
# `other` prints them in other CJK faces than Noto (fonts-other.conf), the fonts installed
# apart (`make other-faces`): a stand-in for another renderer's (seed 8641's scans in them:
# 92.17 % of cells right, 61 silent, where Noto's were 99.9 %, until fixed).
FACES = {"noto": Path(__file__).with_name("fonts.conf"), "other": Path(__file__).with_name("fonts-other.conf")}


def report_faces(faces: str = "noto") -> AbstractContextManager[None]:
    """Fontconfig set to print reports' Windows faces in the `faces` set's face nearest each."""
    return variable_set("FONTCONFIG_FILE", str(FACES[faces]))


def missing_faces(faces: str) -> list[str]:
    """The families the `faces` set prints in that fontconfig does not find installed (none
    told without fontconfig's fc-list)."""
    wanted = set(re.findall(r"<prefer><family>([^<]+)</family>", FACES[faces].read_text(encoding="utf-8")))
    try:
        listed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False).stdout
    except FileNotFoundError:
        return []
    installed = {name.strip() for line in listed.splitlines() for name in line.split(",")}
    return sorted(wanted - installed)


def generate_corpus(out_dir: Path, formats: list[str], n: int, seed: int,
                    styles: list[str] | None = None, plant: bool = False, faces: str = "noto") -> list[CorpusItem]:
    """`n` reports per format (text: see the module's docstring), written to out_dir/documents
    and out_dir/truth; with `plant`, findings planted in a share of them (bench/plant.py);
    printed in the `faces` set (FACES)."""
    documents, truths = out_dir / "documents", out_dir / "truth"
    documents.mkdir(parents=True, exist_ok=True)
    truths.mkdir(parents=True, exist_ok=True)
    with report_faces(faces):
        return [item for fmt in formats for item in _generate_format(documents, truths, fmt, n, seed, styles, plant)]


def _generate_format(documents: Path, truths: Path, fmt: str, n: int, seed: int,
                     styles: list[str] | None, plant: bool) -> list[CorpusItem]:
    """The `n` reports of one format (see `generate_corpus`)."""
    items = []
    jobs: list[tuple[int, Callable[..., Path]]] = (
        _text_renderers(n, seed, styles) if fmt == "text" else [(i, renderer_for(fmt)) for i in range(n)])
    for i, render in jobs:
        truth = make_truth(seed * 1_000_000 + i)
        if plant:
            truth = plant_pairs(truth, seed, i)
        stem = f"{seed}-{i:04d}-{fmt}"
        document = render(truth, documents / stem, random.Random(f"{seed}/{fmt}/{i}"))
        raw = truth.to_json()
        raw.update({"format": fmt, "variant": _variant(stem, document)})
        keys_file = documents / f"{stem}{KEYS_SUFFIX}"
        if keys_file.exists():
            raw["visible_keys"] = json.loads(keys_file.read_text(encoding="utf-8"))
            keys_file.unlink()
        truth_path = truths / f"{document.name}.json"
        truth_path.write_text(json.dumps(raw, ensure_ascii=False, indent=1), encoding="utf-8")
        items.append(CorpusItem(document, truth_path, fmt, raw["variant"]))
    return items


def load_corpus(corpus_dir: Path) -> list[CorpusItem]:
    """The items of a corpus written by `generate_corpus` (or committed, as samples/)."""
    items = []
    for truth_path in sorted((corpus_dir / "truth").glob("*.json")):
        document = corpus_dir / "documents" / truth_path.name.removesuffix(".json")
        if not document.exists():
            raise FileNotFoundError(f"{truth_path} has no document {document}")
        raw = json.loads(truth_path.read_text(encoding="utf-8"))
        items.append(CorpusItem(document, truth_path, raw.get("format", "unknown"), raw.get("variant")))
    return items


def parse_formats(text: str) -> list[str]:
    formats = [f.strip() for f in text.split(",") if f.strip()]
    unknown = [f for f in formats if f not in RENDERERS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown format(s) {', '.join(unknown)}; known: {', '.join(FORMATS)}")
    return formats


def parse_styles(text: str) -> list[str]:
    styles = [f.strip() for f in text.split(",") if f.strip()]
    unknown = [f for f in styles if f not in ALL_STYLES]
    if unknown or not styles:
        raise argparse.ArgumentTypeError(f"unknown style(s) {', '.join(unknown)}; known: {', '.join(ALL_STYLES)}")
    return styles


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--formats", type=parse_formats, default=["text"])
    parser.add_argument("--n", type=int, default=20, help="documents per format")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--styles", type=parse_styles, help=f"text styles only: {', '.join(ALL_STYLES)}")
    parser.add_argument("--findings", action="store_true", help="plant findings (bench/plant.py)")
    parser.add_argument("--faces", choices=sorted(FACES), default="noto",
                        help="the CJK faces reports are printed in (other: `make other-faces` installs them)")
    args = parser.parse_args(argv)
    missing = missing_faces(args.faces)
    if missing:
        parser.error(f"--faces {args.faces}: fonts not installed: {', '.join(missing)} (make other-faces)")
    items = generate_corpus(args.out, args.formats, args.n, args.seed, args.styles, plant=args.findings,
                            faces=args.faces)
    print(f"{len(items)} documents in {args.out / 'documents'}, truths in {args.out / 'truth'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
