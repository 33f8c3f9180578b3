"""RapidOCR's recognition model run directly on ONNX Runtime reads every crop as rapidocr's
own engine does (text and score), without importing that engine (its import cost a second of
every process's start-up)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ingest.scan.ocr.rapid import RapidOcrEngine, _model_width, _recogniser, _with_margin

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def _crop(text: str, height: int) -> np.ndarray:
    font = ImageFont.truetype(FONT, height, index=2)
    left, top, right, bottom = (round(v) for v in font.getbbox(text))
    image = Image.new("L", (right - left + 16, bottom - top + 12), 255)
    ImageDraw.Draw(image).text((8 - left, 6 - top), text, font=font, fill=0)
    return np.asarray(image)


def test_reads_as_rapidocr_does() -> None:
    import rapidocr
    from rapidocr import RapidOCR
    from rapidocr.ch_ppocr_rec.typings import TextRecInput

    models = Path(rapidocr.__file__).parent / "models"
    own = RapidOCR(params={
        "Global.use_det": False, "Global.use_cls": False, "Global.log_level": "warning",
        "Det.model_path": str(models / "PP-OCRv6_det_small.onnx"),
        "Cls.model_path": str(models / "ch_ppocr_mobile_v2.0_cls_mobile.onnx"),
        "Rec.model_path": str(models / "PP-OCRv6_rec_small.onnx"), "Rec.rec_img_shape": [3, 48, 48],
        "Rec.rec_batch_num": 1, "EngineConfig.onnxruntime.intra_op_num_threads": 1,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1})._load_rec_model()  # type: ignore[no-untyped-call]
    texts = ("0", "12", "153.29", "结果", "信息内容", "（二）部分公开", "行政复议 结果维持")
    crops = [_crop(text, height) for text in texts for height in (19, 32, 45)]
    crops.append(np.full((40, 30), 255, np.uint8))
    ours = RapidOcrEngine().read_lines(crops, "label")
    theirs = own(TextRecInput(img=[cv2.cvtColor(_with_margin(c), cv2.COLOR_GRAY2BGR) for c in crops]))
    assert [(r.text, r.confidence) for r in ours] == [(str(t), float(s)) for t, s in zip(theirs.txts, theirs.scores,
                                                                                         strict=True)]


def test_loading_the_model_imports_no_rapidocr_engine() -> None:
    code = ("import sys; from ingest.scan.ocr.rapid import RapidOcrEngine; RapidOcrEngine().load(); "
            "print(sorted(m for m in sys.modules if m.startswith('rapidocr.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent)
    # The package's own light modules only: not its engine, model catalogue or downloader.
    assert not any(name in out.stdout for name in ("rapidocr.main", "inference_engine", "download_file")), out.stdout


def test_crops_of_one_width_read_together_read_as_each_alone() -> None:
    # A table's short cells on one canvas size: one model width, so they are read in one run.
    texts = ("0", "1", "12", "-3", "结果", "总计", "其他", "人", "8", "0")
    crops = []
    for text in texts:
        canvas = np.full((40, 70), 255, np.uint8)
        glyphs = _crop(text, 26)[:40, :70]
        canvas[:glyphs.shape[0], :glyphs.shape[1]] = glyphs
        crops.append(canvas)
    assert len({_model_width(_with_margin(c)) for c in crops}) == 1
    together = RapidOcrEngine().read_lines(crops, "label")
    recogniser = _recogniser(1)
    alone = [recogniser(_with_margin(c)) for c in crops]
    assert [(r.text, r.confidence) for r in together] == alone
    assert [r.text for r in together[:3]] == ["0", "1", "12"]
