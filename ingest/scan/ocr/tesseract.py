"""Tesseract on cell crops. Cells are stacked into one image with white gaps (one reading per
batch instead of one per cell) and each word goes back to its cell by position; labels are
read as chi_sim, numbers as eng with a digit whitelist. Read by Tesseract's library kept in
the process (tess_api), else by running the program through pytesseract."""

from __future__ import annotations

from contextlib import AbstractContextManager

import numpy as np
import pytesseract

from ingest.errors import ErrorCode, ToolError
from ingest.scan.ocr import tess_api
from ingest.scan.ocr.base import CellText, Kind
from ingest.tools.environment import variable_set

_GAP = 40
_MARGIN = 20
# Each crop a line of a block of text.
_PSM = 6
# Language and variables by kind of cell.
_CONFIG: dict[Kind, tuple[str, dict[str, str]]] = {
    "label": ("chi_sim", {"preserve_interword_spaces": "1"}),
    "number": ("eng", {"tessedit_char_whitelist": "0123456789.-"}),
}


def _stack(images: list[np.ndarray]) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """One white canvas with the images one under another, and each one's y range."""
    width = max(img.shape[1] for img in images) + 2 * _MARGIN
    height = sum(img.shape[0] + _GAP for img in images) + _GAP
    canvas = np.full((height, width), 255, np.uint8)
    spans = []
    y = _GAP
    for img in images:
        canvas[y:y + img.shape[0], _MARGIN:_MARGIN + img.shape[1]] = img
        spans.append((y, y + img.shape[0]))
        y += img.shape[0] + _GAP
    return canvas, spans


def one_thread() -> AbstractContextManager[None]:
    """Tesseract run on one OpenMP thread: on this kind of machine its threads spin against
    each other and against the other conversions (a page reads 3 to 6 times slower with them)."""
    return variable_set("OMP_THREAD_LIMIT", "1")


class TesseractEngine:
    name = "tesseract"
    kind_blind = False

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    def load(self, kind: Kind) -> None:
        """The library's model for this kind loaded now, if the library is used."""
        lang, variables = _CONFIG[kind]
        tess_api.load(lang, _PSM, variables)

    def read_lines(self, images: list[np.ndarray], kind: Kind) -> list[CellText]:
        if not images:
            return []
        canvas, spans = _stack(images)
        lang, variables = _CONFIG[kind]
        found = tess_api.tsv_words(canvas, lang, _PSM, variables, self.timeout)
        if found is None:
            found = self._run(canvas, lang, variables)
        # Tesseract lists words in reading order: kept as it is.
        words: list[list[tuple[str, float]]] = [[] for _ in images]
        for text, conf, top, height in found:
            if not str(text).strip() or conf < 0:
                continue
            centre = top + height / 2
            for i, (y0, y1) in enumerate(spans):
                if y0 - _GAP / 2 <= centre < y1 + _GAP / 2:
                    words[i].append((str(text).strip(), conf / 100))
                    break
        out = []
        for found_words in words:
            text = "".join(w for w, _ in found_words)
            out.append(CellText(text, min((c for _, c in found_words), default=0.0)))
        return out

    def _run(self, canvas: np.ndarray, lang: str, variables: dict[str, str]) -> list[tuple[str, float, int, int]]:
        """The words of the program run on the canvas: (text, confidence 0-100, top, height)."""
        config = " ".join([f"--psm {_PSM}"] + [f"-c {name}={value}" for name, value in variables.items()])
        try:
            with one_thread():
                data = pytesseract.image_to_data(
                    canvas, lang=lang, config=config, output_type=pytesseract.Output.DICT, timeout=self.timeout
                )
        except pytesseract.TesseractNotFoundError:
            raise ToolError(ErrorCode.TOOL_FAILED, "tesseract is not installed") from None
        except RuntimeError as exc:
            if "timeout" in str(exc).lower():
                raise ToolError(
                    ErrorCode.TOOL_TIMEOUT, f"tesseract took more than {self.timeout:.0f}s"
                ) from None
            raise ToolError(ErrorCode.TOOL_FAILED, f"tesseract failed: {exc}") from None
        except pytesseract.TesseractError as exc:
            raise ToolError(ErrorCode.TOOL_FAILED, f"tesseract failed: {exc.message}") from None
        columns = (data["text"], data["conf"], data["top"], data["height"])
        return [(str(text), float(conf), int(top), int(height))
                for text, conf, top, height in zip(*columns, strict=True)]
