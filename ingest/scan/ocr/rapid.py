"""RapidOCR's recognition model (PP-OCRv6, ONNX) on cell crops: recognition only, no detection.

The model ships inside the rapidocr wheel and is named explicitly, so nothing is ever
downloaded at run time. It runs on ONNX Runtime directly, with rapidocr's own pre- and
post-processing (`rapidocr.ch_ppocr_rec`: the crop scaled to 48 px high, padded to 48 px wide
at least, CTC decoding with the characters the model carries): importing rapidocr's engine
parses its catalogue of downloadable models and loads an HTTP client, 1 CPU s of every
process's start-up, where loading the recogniser itself costs 0.1 s."""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from ingest.errors import ErrorCode, ToolError
from ingest.scan.ocr.base import CellText, Kind

# The model's input: 3 channels, 48 px high, at least 48 px wide. Crops narrower than the
# model's default 320 px are not padded out to it: a cell holding "12" costs its own width,
# not a line's (readings do not change). A batch padded to its widest crop cost 10 % more on a
# table page's mix of labels and digits than it saved in calls; crops of one width need no
# padding, and a run costs about 1.5 ms besides its width's work, a third of a one-character
# crop's reading. So narrow crops of one width (a table's headers and short labels, a word a
# line in narrow columns; 365 of seed 879's 724 crops) are read together, up to this many a
# run, the same readings (scores within 2e-6); a wider crop is read alone (batching it saved
# nothing measurable: 400 px wide it cost 5 % more).
_HEIGHT = 48
_MIN_WIDTH = 48
_BATCH_MAX_WIDTH = 120
_BATCH_SIZE = 16


class _Recogniser:
    def __init__(self, model: Path, threads: int) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.log_severity_level = 4
        # The arena keeps the buffers of the widest crop read so far for the next run: seed 879's
        # 1,104 crops took 4-8 % less CPU time than with fresh buffers each run, the same readings.
        options.enable_cpu_mem_arena = True
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(
            str(model), sess_options=options,
            providers=[("CPUExecutionProvider", {"arena_extend_strategy": "kSameAsRequested"})])
        self.input = self.session.get_inputs()[0].name
        # Index 0 is CTC's blank; the model's characters, then a space.
        characters = self.session.get_modelmeta().custom_metadata_map["character"].splitlines()
        self.characters = ["", *characters, " "]

    def __call__(self, crop: np.ndarray) -> tuple[str, float]:
        """A gray crop's text and score (the mean of its characters' probabilities)."""
        return self._decoded(self.session.run(None, {self.input: _model_input(crop)})[0][0])

    def read_all(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """Each gray crop's text and score, as `__call__` gives them; narrow crops of one
        model width run together (a batch's inputs made for it: a page's lines are large)."""
        readings: dict[int, tuple[str, float]] = {}
        same_width: dict[int, list[int]] = {}
        for i, crop in enumerate(crops):
            width = _model_width(crop)
            if width <= _BATCH_MAX_WIDTH:
                same_width.setdefault(width, []).append(i)
            else:
                readings[i] = self(crop)
        for indexes in same_width.values():
            for start in range(0, len(indexes), _BATCH_SIZE):
                batch = indexes[start:start + _BATCH_SIZE]
                probs = self.session.run(None, {self.input: np.concatenate([_model_input(crops[i]) for i in batch])})[0]
                readings.update((i, self._decoded(p)) for i, p in zip(batch, probs, strict=True))
        return [readings[i] for i in range(len(crops))]

    def _decoded(self, probs: np.ndarray) -> tuple[str, float]:
        """Text and score of one crop's character probabilities (CTC)."""
        index, prob = probs.argmax(axis=1), probs.max(axis=1)
        # CTC: repeats merged, blanks dropped.
        kept = np.ones(len(index), bool)
        kept[1:] = index[1:] != index[:-1]
        kept &= index != 0
        scores = [round(p, 5) for p in prob[kept].tolist()] or [0]
        return "".join(self.characters[i] for i in index[kept]), float(np.mean(scores).round(5))


def _model_width(crop: np.ndarray) -> int:
    """The width of the crop's model input."""
    h, w = crop.shape[:2]
    # rapidocr's arithmetic, to the float: the width is the larger ratio's times the height.
    return int(_HEIGHT * max(_MIN_WIDTH / _HEIGHT, w * 1.0 / h))


def _model_input(crop: np.ndarray) -> np.ndarray:
    """The crop as the model's 1 x 3 x 48 x W input, scaled to 48 px high and padded right
    (values in [-1, 1], padding 0), as rapidocr prepares it."""
    h, w = crop.shape[:2]
    ratio = w * 1.0 / h
    width = _model_width(crop)
    scaled = width if math.ceil(_HEIGHT * ratio) > width else math.ceil(_HEIGHT * ratio)
    # The gray scaled once and set in each of the three channels: the same values as scaling
    # the crop made BGR, a third of the work.
    image = cv2.resize(crop, (scaled, _HEIGHT)).astype("float32") / 255
    image -= 0.5
    image /= 0.5
    padded = np.zeros((1, 3, _HEIGHT, width), np.float32)
    padded[0, :, :, :scaled] = image
    return padded


@cache
def _recogniser(threads: int) -> Any:
    try:
        import rapidocr
    except ImportError:
        raise ToolError(ErrorCode.TOOL_FAILED, "rapidocr is not installed") from None
    rec = Path(rapidocr.__file__).parent / "models" / "PP-OCRv6_rec_small.onnx"
    if not rec.exists():
        raise ToolError(ErrorCode.TOOL_FAILED, f"the RapidOCR recognition model is missing: {rec}")
    return _Recogniser(rec, threads)


# White added above and below a crop, as a share of its height. The recogniser scales every
# crop to 48 px high and its cost grows with the width that leaves: text about 25 px high
# read a table page's labels a quarter faster than 35 px, with the same readings; about 19 px
# (0.3) read seed 41's crops 16 % faster than 22 px (0.2), 11 % of readings changed either
# way, with the same cells right (seeds 223, 227) or more (41); 0.4 lost 2 % of seed 41's cells.
_MARGIN_SHARE = 0.3
# A crop this many times as wide as high (a label or a line of text, not a value) gets this
# much white: its text read smaller costs less in proportion (seed 879's ten images: 5 % less
# CPU, alternating runs 19.5-20.2 s against 19.8-21.8), its readings as good (fresh seeds 6161,
# 4343 and 9191 scans: the same cells right, 0 silent); 0.6 lost two fax cells of 6161's, 0.7
# six in every hundred of 4343's faxes; crops 3 times as wide, a fax cell of 6161's.
_WIDE_LINE = 5
_WIDE_MARGIN_SHARE = 0.5


def _with_margin(img: np.ndarray) -> np.ndarray:
    wide = img.shape[1] >= _WIDE_LINE * img.shape[0]
    pad = round(img.shape[0] * (_WIDE_MARGIN_SHARE if wide else _MARGIN_SHARE))
    return cv2.copyMakeBorder(img, pad, pad, 0, 0, cv2.BORDER_CONSTANT, value=255)


class RapidOcrEngine:
    name = "rapidocr"
    kind_blind = True

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads

    def load(self) -> None:
        """The model loaded now rather than at the first reading."""
        _recogniser(self.threads)

    def read_lines(self, images: list[np.ndarray], kind: Kind) -> list[CellText]:
        recogniser = _recogniser(self.threads)
        readings = recogniser.read_all([_with_margin(img) for img in images])
        return [CellText(text.replace(" ", "") if kind == "number" else text, score) for text, score in readings]
