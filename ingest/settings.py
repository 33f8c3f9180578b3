"""Every tunable of the pipeline in one object, built by a function (never at import)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

LAYOUTS_DIR = Path(__file__).resolve().parent.parent / "layouts"


@dataclass(frozen=True)
class Settings:
    layouts_dir: Path = LAYOUTS_DIR
    # A cell whose confidence is below this is flagged `review: true`.
    review_threshold: float = 0.9
    # Inputs larger than this are refused before reading.
    max_file_bytes: int = 100 * 1024 * 1024
    # Text (and HTML) larger than this is refused: no real report comes near it.
    max_text_chars: int = 5_000_000
    # A label matches a template label when the similarity reaches this.
    label_match_ratio: float = 0.74
    # Share of the template's cells that must be located for a result (else an error).
    min_located_share: float = 0.5
    # Confidence factors (probability the value is right given how it was found).
    conf_exact: float = 0.995
    conf_fuzzy_label: float = 0.97
    conf_weak_label: float = 0.6
    conf_ambiguous_alignment: float = 0.5
    conf_missing_cells: float = 0.3
    conf_broken_relation: float = 0.85
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)


def load_settings(**overrides: object) -> Settings:
    """Settings from defaults, `INGEST_*` environment variables, then explicit overrides."""
    env: dict[str, object] = {}
    if "INGEST_LAYOUTS_DIR" in os.environ:
        env["layouts_dir"] = Path(os.environ["INGEST_LAYOUTS_DIR"])
    if "INGEST_REVIEW_THRESHOLD" in os.environ:
        env["review_threshold"] = float(os.environ["INGEST_REVIEW_THRESHOLD"])
    if "INGEST_WORKERS" in os.environ:
        env["workers"] = int(os.environ["INGEST_WORKERS"])
    return replace(Settings(), **{**env, **overrides})  # type: ignore[arg-type]
