"""Names from outside (file names, agencies) made safe to show: in a log line, on a page."""

from __future__ import annotations

import unicodedata

# Characters that reorder the text around them (right-to-left marks, overrides, isolates): a name
# holding them can show as another name.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def escaped(text: str) -> str:
    """For a log line: control and format characters (a newline, a right-to-left mark) as `\\uNNNN`,
    so that a name cannot forge a line or reorder one."""
    return "".join(
        f"\\u{ord(ch):04x}" if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text
    )


def visible(text: str) -> str:
    """For a page: bidirectional controls dropped, other control characters shown as U+FFFD."""
    return "".join(
        "" if ch in _BIDI else "\ufffd" if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" else ch
        for ch in text
    )
