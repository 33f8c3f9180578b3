"""Which engines read what, and the confidence two readings of one value earn together.

Every value is read twice, by two engines (default) or by one engine on two
preprocessings of the crop: agreeing readings with good scores are trusted, any
disagreement sends the cell to review."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import cv2
import numpy as np

from ingest.scan.ocr.base import CellText, OcrEngine
from ingest.scan.ocr.rapid import RapidOcrEngine
from ingest.scan.ocr.same_look import SURE_APART, read_once
from ingest.scan.ocr.sign_mark import mark_before_digits
from ingest.scan.ocr.tesseract import TesseractEngine
from ingest.settings import Settings

ENGINES = ("both", "tesseract", "rapidocr")
# No count in a report runs longer (the fee is the widest: "1234567.89").
_MAX_DIGITS = 12
# Blur (Gaussian sigma, pixels of a crop whose text is scaled to 32 px) that smooths a
# black-and-white scan's edges for the second value reader.
_SMOOTHING_SIGMA = 1.0
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
# No count is printed with a leading zero: two readings agreeing on one ("010") both took a
# mark beside the digits for a digit (seed 1357's photo: a "0" read "010" by both engines,
# kept as 10 at 0.97 unflagged although its row's sum broke).
_LEADING_ZERO = re.compile(r"^-?0\d")
# What a Chinese reading of a digit cell may look like, for telling value cells from labels.
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "〇": "0", "D": "0", "l": "1", "I": "1", "|": "1",
                                   "S": "5", "B": "8", "Z": "2"})

Preprocess = Callable[[np.ndarray], np.ndarray]


def normalise(text: str) -> str:
    """A reading as the mapper will parse it: NFKC, no spaces or thousands separators."""
    return re.sub(r"[\s,，]", "", unicodedata.normalize("NFKC", text))


def as_digits(text: str) -> str:
    """A reading of a value cell with letters that look like digits read as those digits
    (a lone "0" is as much an "O" to a general recogniser)."""
    return normalise(text).translate(_DIGIT_LOOKALIKES)


def looks_numeric(text: str) -> bool:
    """Whether a first (label-engine) reading is a number, allowing OCR's usual look-alikes."""
    cleaned = as_digits(text).strip(".-—_")
    return bool(cleaned) and _NUMBER.match(cleaned) is not None


def may_be_value(text: str) -> bool:
    """Whether a cell's first reading should be read again as a number: a number, or a short
    reading with no Chinese in it (digits under a seal's rest read as "0a" or "ad"). Such a
    cell's two readings then disagree and it goes to review as a value, instead of reaching
    the mapper as a label that shifts its row."""
    cleaned = as_digits(text).strip(".-—_")
    return looks_numeric(text) or (0 < len(cleaned) <= _MAX_DIGITS and not has_chinese(cleaned))


def digits_beside_a_mark(reading: CellText, settings: Settings) -> bool:
    """Whether a reading is a number with one Chinese character at an end, read unsure: digits
    beside a seal's rest, which the recogniser took for a character (seed 6969's scanned PDF:
    a 0 under the seal read "0卷" at 0.53 took its cell for a label, and section 四's value row,
    one value short, was placed by its sums, all 14 values flagged). Read again as a number,
    its two readings disagree and it goes to review as the value it is."""
    cleaned = as_digits(reading.text)
    ends = [c for c in (cleaned[:1], cleaned[-1:]) if c and _is_cjk(c)]
    # Only the character is taken off: an ordinal's "1." stays a label's (1.属于国家秘密 cut short).
    digits = cleaned.strip("".join(ends))
    return (reading.confidence < settings.ocr.min_score and len(ends) == 1 and len(digits) <= _MAX_DIGITS
            and _NUMBER.match(digits) is not None)


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def has_chinese(text: str) -> bool:
    return any(_is_cjk(c) for c in text)


def as_gray(crop: np.ndarray) -> np.ndarray:
    return crop


def as_binary(crop: np.ndarray) -> np.ndarray:
    """The crop binarised on its own (Otsu): a second, independent look at the same ink."""
    _, binary = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return binary


def smoothed(crop: np.ndarray) -> np.ndarray:
    """A black-and-white scan's crop with its stair-stepped edges blurred into gray ramps, as
    a gray scan would show them: Tesseract read a fax's jagged lone "0" as nothing or "9"
    where RapidOCR read "0" (seed 229: 38 and 8 of 68 disagreements on 1,160 value crops)."""
    return cv2.GaussianBlur(crop, (0, 0), _SMOOTHING_SIGMA)


@dataclass(frozen=True)
class ValueReader:
    engine: OcrEngine
    preprocess: Preprocess

    def read(self, crops: list[np.ndarray]) -> list[CellText]:
        """The crops' values, each preprocessed as this reader looks at it."""
        return self.engine.read_lines([self.preprocess(c) for c in crops], "number")


@dataclass(frozen=True)
class EngineSet:
    """The engine reading labels (and telling values from labels), and the two value readers."""

    labels: OcrEngine
    values: tuple[ValueReader, ValueReader]


def engine_set(settings: Settings) -> EngineSet:
    """The configured engines; `settings.ocr.engine` is one of ENGINES."""
    choice = settings.ocr.engine
    if choice not in ENGINES:
        raise ValueError(f"ocr.engine must be one of {', '.join(ENGINES)}, not {choice!r}")
    tesseract = TesseractEngine(settings.tools.tesseract_timeout)
    if choice == "tesseract":
        return EngineSet(tesseract, (ValueReader(tesseract, as_gray), ValueReader(tesseract, as_binary)))
    rapid = RapidOcrEngine()
    if choice == "rapidocr":
        return EngineSet(rapid, (ValueReader(rapid, as_gray), ValueReader(rapid, as_binary)))
    return EngineSet(rapid, (ValueReader(rapid, as_gray), ValueReader(tesseract, as_binary)))


def load_engines(settings: Settings) -> None:
    """The configured engines' models loaded now (they are kept for the process)."""
    if settings.ocr.engine in ("both", "rapidocr"):
        RapidOcrEngine().load()
    if settings.ocr.engine in ("both", "tesseract"):
        tesseract = TesseractEngine(settings.tools.tesseract_timeout)
        tesseract.load("number")
        if settings.ocr.engine == "tesseract":
            tesseract.load("label")


def agree(first: CellText, second: CellText, settings: Settings) -> CellText:
    """One value from two readings: agreement earns trust, disagreement review."""
    a, b = as_digits(first.text), as_digits(second.text)
    if a == b and _NUMBER.match(a) and not _LEADING_ZERO.match(a):
        sure = [score >= settings.ocr.min_score for score in (first.confidence, second.confidence)]
        # Two readings neither engine is sure of are no agreement: a fax's 2 whose top had worn
        # away read 7 by both, at 0.55 and 0.11 (seed 8282's fax, kept at 0.9998 unflagged).
        if not any(sure):
            return CellText(a, settings.ocr.conf_disagree)
        return CellText(a, settings.ocr.conf_agree if all(sure) else settings.ocr.conf_agree_low_score)
    numeric = [(text, r) for text, r in ((a, first), (b, second)) if _NUMBER.match(text)]
    if not numeric:
        # Marks around digits (a seal's rest) are dropped; a value cell that gave no number at
        # all stays a blank value cell rather than text that would shift the row's values.
        numeric = [(text, r) for text, r in ((_digits_only(a), first), (_digits_only(b), second))
                   if _NUMBER.match(text)] or [("", first)]
    text, _ = max(numeric, key=lambda tr: tr[1].confidence)
    return CellText(text, settings.ocr.conf_disagree)


def _digits_only(text: str) -> str:
    return re.sub(r"[^0-9.]", "", text)


def _one_digit(text: str) -> bool:
    return len(text) == 1 and text.isdigit()


def read_values(crops: list[np.ndarray], engines: EngineSet, first: list[CellText] | None,
                settings: Settings, text_height: int, bilevel: bool = False) -> list[CellText]:
    """Every value crop (text scaled to `text_height`) read twice and reconciled; `first` reuses
    the label engine's reading when it is the first value reader (same engine, same
    preprocessing). The second reader reads a look once among crops the first read as one
    digit and that are all but pixel for pixel the same (most of a report's cells are "0"),
    when it reads that look as one digit too; on a gray page a one-digit crop its look gives
    the second reader no text is read again as scanned. On a `bilevel` (black and white) page the second
    reader sees those one-digit crops smoothed, and every other crop as scanned: smoothing
    every crop gave a run spanning cells over a missed rule a sure garbage reading (seed 41
    lost a table) and two silent "0" -> "10"/"1" (a rule's rest)."""
    one, two = engines.values
    reusable = one.engine is engines.labels and one.engine.kind_blind and one.preprocess is as_gray
    if first is None or not reusable:
        first = one.read(crops)
    digits = [i for i, reading in enumerate(first) if _one_digit(as_digits(reading.text))]
    rest = [i for i, reading in enumerate(first) if not _one_digit(as_digits(reading.text))]
    lone = [smoothed(crops[i]) if bilevel else crops[i] for i in digits]
    second = dict(zip(digits, read_once(lone, two.read, text_height, _one_digit, SURE_APART), strict=True))
    if bilevel:
        # The crop as scanned, where the smoothed one read otherwise: agreement with either
        # look is no likelier wrong than with the one each was read with before.
        apart = [i for i in digits if as_digits(second[i].text) != as_digits(first[i].text)]
        second.update((i, reading) for i, reading in zip(apart, two.read([crops[i] for i in apart]), strict=True)
                      if as_digits(reading.text) == as_digits(first[i].text))
    else:
        # A look's shared reading that the first reader's contradicts is no shortcut: each of its
        # crops read on its own, as without sharing (seed 1277's image: one "0" look read "9"
        # spread to seven cells, six of which Tesseract alone read "0").
        apart = [i for i in digits if as_digits(second[i].text) != as_digits(first[i].text)]
        second.update((i, reading) for i, reading in zip(apart, two.read([crops[i] for i in apart]), strict=True)
                      if as_digits(reading.text) == as_digits(first[i].text))
        # The crop as scanned (gray), where its binarised look gave the second engine no text at
        # all: an engine that finds nothing holds no other reading. Seed 991's scanned PDF had
        # five lone "0"s Tesseract read as nothing binarised and as "0" (scores 0.81-0.87) gray.
        unread = [i for i in digits if not as_digits(second[i].text)]
        second.update((i, reading) for i, reading in
                      zip(unread, two.engine.read_lines([crops[i] for i in unread], "number"), strict=True)
                      if as_digits(reading.text) == as_digits(first[i].text))
    second.update(zip(rest, two.read([crops[i] for i in rest]), strict=True))
    return [_sign_checked(a, second[i], crops[i], settings) for i, a in enumerate(first)]


def _sign_checked(first: CellText, second: CellText, crop: np.ndarray, settings: Settings) -> CellText:
    """Two readings reconciled (`agree`), their sign checked against the crop's marks: a minus
    one engine left out (Tesseract reads a short minus as nothing now and then: seed 1021's
    "-1" and "-3" were flagged in three scan formats) is the value's where a mark stands
    before the digits as a minus would; a number read unsigned where such a mark stands is
    unsure (a worn minus both engines left out)."""
    a, b = as_digits(first.text), as_digits(second.text)
    signed = a if a == f"-{b}" else b if b == f"-{a}" else None
    if signed is not None and _NUMBER.match(signed) and mark_before_digits(crop):
        return agree(CellText(signed, first.confidence), CellText(signed, second.confidence), settings)
    reading = agree(first, second, settings)
    if not _NUMBER.match(reading.text) or reading.text.startswith("-") or not mark_before_digits(crop):
        return reading
    return CellText(reading.text, min(reading.confidence, settings.ocr.conf_disagree))


def read_cells(cells: list[list[np.ndarray]], engines: EngineSet, settings: Settings,
               text_height: int, bilevel: bool = False) -> list[CellText]:
    """Each table cell's reading from the crops of its text lines (text scaled to `text_height`):
    every line read by the label engine, a look once where it reads as a value or as Chinese
    (`read_once`); a one-line cell that reads as a value (a number, or no Chinese, or digits
    beside a mark) read twice as a number, and a cell whose one line beside marks does, flagged."""
    flat = [crop for crops in cells for crop in crops]
    flat_readings = iter(read_once(flat, partial(engines.labels.read_lines, kind="label"), text_height, may_be_value,
                                   labels=has_chinese))
    first: list[CellText] = []
    # The cells that may hold a value: (index, line, its reading), the line the cell's only one
    # or its one line beside marks (`_is_mark`); a value never wraps.
    values: list[tuple[int, int, CellText]] = []
    for i, crops in enumerate(cells):
        parts = [next(flat_readings) for _ in crops]
        first.append(CellText("".join(p.text for p in parts), min(p.confidence for p in parts)))
        unmarked = [j for j, p in enumerate(parts) if not _is_mark(p.text)]
        line = 0 if len(parts) == 1 else unmarked[0] if len(unmarked) == 1 else None
        if line is not None and (may_be_value(parts[line].text) or digits_beside_a_mark(parts[line], settings)):
            values.append((i, line, parts[line]))
    numbers = read_values([cells[i][line] for i, line, _ in values], engines, [reading for _, _, reading in values],
                          settings, text_height, bilevel)
    for (i, _, _), reading in zip(values, numbers, strict=True):
        marked = len(cells[i]) > 1
        first[i] = CellText(reading.text, min(reading.confidence, settings.ocr.conf_disagree)) if marked else reading
    return first


def _is_mark(reading: str) -> bool:
    """Whether a line of a cell read as neither digits nor Chinese: a pen's tick (√, V) or a
    stroke beside a value, which made seed 7058's fax cells "0、√" and "V0" labels that shifted
    two rows' values. Such a cell is read as its one other line's value, flagged: the mark may
    hide part of it."""
    text = as_digits(reading)
    return not any(c.isdigit() or _is_cjk(c) for c in text)
