"""Values as printed: numbers, blanks, and digit runs with the separators lost."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from ingest.labels import nfkc
from ingest.models import Number

# Counting words: a number printed with one counts one thing (prose's 698件), never cells run together.
MEASURE_WORDS = ("件", "个", "项", "条", "次")
_UNITS = ("万元", "元", *MEASURE_WORDS)
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
# What printed tables put in a cell that holds nothing.
BLANK_MARKS = frozenset({"", "-", "—", "——", "–", "/", "\\", "无", "空", "空白", "_", "×"})


def clean(text: str) -> str:
    """The cell text with spaces removed and full-width forms folded."""
    return re.sub(r"\s+", "", nfkc(text)).replace("－", "-").replace("＋", "+")


def split_unit(text: str) -> tuple[str, str | None]:
    """('12.5', '万元') from '12.5万元'."""
    for unit in _UNITS:
        if text.endswith(unit) and len(text) > len(unit):
            return text[: -len(unit)], unit
    return text, None


def is_blank(text: str) -> bool:
    return clean(text) in BLANK_MARKS


def is_number(text: str) -> bool:
    body, _ = split_unit(clean(text))
    return bool(_NUMBER.match(body))


def parse_number(text: str, decimal: bool = False) -> Number:
    """The number printed in `text`; raises ValueError when there is none."""
    body, _ = split_unit(clean(text))
    if not _NUMBER.match(body):
        raise ValueError(f"not a number: {text!r}")
    body = body.replace(",", "")
    if decimal or "." in body:
        try:
            return Decimal(body)
        except InvalidOperation as exc:  # pragma: no cover - regex guards this
            raise ValueError(text) from exc
    return int(body)


def unit_of(text: str) -> str | None:
    return split_unit(clean(text))[1]


_PIECE_INT = re.compile(r"^(?:0|[1-9]\d*)$")
_PIECE_SIGNED = re.compile(r"^-?(?:0|[1-9]\d*)$")
_PIECE_DECIMAL = re.compile(r"^(?:0|[1-9]\d*)(?:\.\d+)?$")


def piece_pattern(decimal: bool, signed: bool) -> re.Pattern[str]:
    """What one cell of a run may look like: no leading zeros, a sign or decimals only where the column allows."""
    return _PIECE_DECIMAL if decimal else _PIECE_SIGNED if signed else _PIECE_INT


def splits(
    run: str, patterns: list[re.Pattern[str]], limit: int = 200_000, must_cut: frozenset[int] = frozenset()
) -> Iterator[list[str]]:
    """Every way to cut a run of cells printed without separators into one piece per
    pattern, with a cut at each position of `must_cut` (where the text had a space)."""
    produced = 0
    parts = len(patterns)

    def rec(start: int, index: int) -> Iterator[list[str]]:
        nonlocal produced
        if produced >= limit:
            return
        if index == parts - 1:
            piece = run[start:]
            if patterns[index].match(piece) and not any(p > start for p in must_cut):
                produced += 1
                yield [piece]
            return
        for end in range(start + 1, len(run) - (parts - index - 1) + 1):
            if end - 1 in must_cut and end - 1 > start:
                break
            piece = run[start:end]
            if patterns[index].match(piece):
                for rest in rec(end, index + 1):
                    yield [piece, *rest]

    if len(run) >= parts:
        yield from rec(0, 0)


def splits_summing(
    run: str, patterns: list[re.Pattern[str]], limit: int = 200_000, must_cut: frozenset[int] = frozenset()
) -> Iterator[list[str]]:
    """The cuts of `splits` whose last piece is the sum of the others (a row and its 总计),
    found without enumerating the rest: a partial sum past the total ends a branch."""
    parts = len(patterns)
    produced = 0

    def rec(start: int, stop: int, index: int, left: int) -> Iterator[list[str]]:
        nonlocal produced
        if index == parts - 1:
            if start == stop and left == 0:
                produced += 1
                yield []
            return
        for end in range(start + 1, stop - (parts - index - 2) + 1):
            if end - 1 in must_cut and end - 1 > start:
                break
            piece = run[start:end]
            if not patterns[index].match(piece):
                continue
            value = int(piece)
            if value > left:
                break
            for rest in rec(end, stop, index + 1, left - value):
                yield [piece, *rest]

    for stop in range(parts - 1, len(run)):
        total = run[stop:]
        if produced >= limit or not patterns[-1].match(total) or any(p > stop for p in must_cut):
            continue
        for head in rec(0, stop, 0, int(total)):
            yield [*head, total]
