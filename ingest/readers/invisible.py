"""Characters a document carries that print nothing: zero-width spaces and joiners, word
joiners, byte-order marks inside the text, soft hyphens, direction marks. Web editors and
articles copied from chat apps leave them after digits, where they made a number a word and
a table's values unreadable."""

from __future__ import annotations

import re

_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def visible(text: str) -> str:
    """The text without the characters that print nothing."""
    return _INVISIBLE.sub("", text)
