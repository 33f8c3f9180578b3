"""RapidOCR (PP-OCRv6 recognition, ONNX) on cell crops: recognition only, no detection.

The models ship inside the rapidocr wheel; they are named explicitly so nothing is
ever downloaded at run time."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from ingest.errors import ErrorCode, ToolError
from ingest.scan.ocr.base import CellText, Kind


@cache
def _recogniser(threads: int) -> Any:
    try:
        import rapidocr
        from rapidocr import RapidOCR
    except ImportError:
        raise ToolError(ErrorCode.TOOL_FAILED, "rapidocr is not installed") from None
    models = Path(rapidocr.__file__).parent / "models"
    rec = models / "PP-OCRv6_rec_small.onnx"
    if not rec.exists():
        raise ToolError(ErrorCode.TOOL_FAILED, f"the RapidOCR recognition model is missing: {rec}")
    engine = RapidOCR(params={
        "Global.use_det": False,
        "Global.use_cls": False,
        "Global.log_level": "warning",
        # Detection and classification are never run; their paths point inside the wheel
        # only so that building the engine never looks for a download.
        "Det.model_path": str(models / "PP-OCRv6_det_small.onnx"),
        "Cls.model_path": str(models / "ch_ppocr_mobile_v2.0_cls_mobile.onnx"),
        "Rec.model_path": str(rec),
        # Crops narrower than the model's default 320 px are not padded out to it: a cell
        # holding "12" costs its own width, not a line's (readings do not change).
        "Rec.rec_img_shape": [3, 48, 48],
        # One crop per run: a batch is padded to its widest crop, which cost 10 % more on
        # a table page's mix of labels and digits than it saved in calls.
        "Rec.rec_batch_num": 1,
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    })
    # The recogniser alone, loaded now: it takes a batch of crops in one call.
    return engine._load_rec_model()  # type: ignore[no-untyped-call]


# White added above and below a crop, as a share of its height. The recogniser scales every
# crop to 48 px high and its cost grows with the width that leaves: text about 25 px high
# read a table page's labels a quarter faster than 35 px, with the same readings; about 19 px
# (0.3) read seed 41's crops 16 % faster than 22 px (0.2), 11 % of readings changed either
# way, with the same cells right (seeds 223, 227) or more (41); 0.4 lost 2 % of seed 41's cells.
_MARGIN_SHARE = 0.3


def _with_margin(img: np.ndarray) -> np.ndarray:
    pad = round(img.shape[0] * _MARGIN_SHARE)
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
        if not images:
            return []
        from rapidocr.ch_ppocr_rec.typings import TextRecInput

        batch = [cv2.cvtColor(_with_margin(img), cv2.COLOR_GRAY2BGR) for img in images]
        result = _recogniser(self.threads)(TextRecInput(img=batch))
        return [CellText(str(text).replace(" ", "") if kind == "number" else str(text), float(score))
                for text, score in zip(result.txts, result.scores, strict=True)]
