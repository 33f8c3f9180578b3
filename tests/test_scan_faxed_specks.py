"""A light face's "0" faxed black and white leaves a few dots, none a mark: a cell holding them
gathered as a character's are is not surely blank (seed 8641's faxes: zeros called blank,
unflagged); a rule's rests at its sides, or specks strewn across it, say nothing."""

from __future__ import annotations

import numpy as np

from ingest.scan.cell_marks import specks_like_a_character
from ingest.tables.model import GridSettings

GS = GridSettings(text_height=21, snap=8, bridge=10, min_line=52, min_vline=29, intersection=2,
                  line_thickness=1, stitch=0, space_gap=0, same_line=0, stream_gap=0)


def _cell(*dots: tuple[int, int]) -> np.ndarray:
    """A 28 x 90 cell's ink with two-pixel dots at (y, x)."""
    ink = np.zeros((28, 90), np.uint8)
    for y, x in dots:
        ink[y:y + 2, x:x + 2] = 255
    return ink


def test_dots_of_a_faxed_zero_are_a_character() -> None:
    # The remnants of a "0" 11 px tall, 8 wide, in the cell's middle.
    assert specks_like_a_character(_cell((9, 42), (14, 40), (18, 47)), GS)


def test_clean_paper_rule_rests_and_strewn_specks_are_no_character() -> None:
    assert not specks_like_a_character(_cell(), GS)
    # A vertical rule's rests down the cell's side.
    assert not specks_like_a_character(_cell((4, 1), (12, 1), (20, 1)), GS)
    # Specks across the cell, wider than a character.
    assert not specks_like_a_character(_cell((9, 12), (14, 44), (18, 75)), GS)
    # A row of dots, no taller than a speck.
    assert not specks_like_a_character(_cell((13, 40), (13, 44), (13, 48)), GS)
