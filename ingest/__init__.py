"""Turn Chinese government information-disclosure annual reports into data.

    from ingest import convert
    report = convert("report.docx")          # an ingest.models.Report; never raises for bad input
    report.error or report.cells["s3.new.total"].value
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingest.models import Report
    from ingest.settings import Settings

__version__ = "0.1.0"


def convert(path: str | os.PathLike[str], settings: Settings | None = None) -> Report:
    """Convert one file to its typed Report (`ingest.contract.report_to_dict` gives the JSON of the contract);
    its `source.file` is `path` as given.

    Bad input gives a Report whose `error` says why; it never raises for it.
    """
    # Imported here: `import ingest` (the CLI, the workers) stays light.
    from pathlib import Path

    from ingest.pipeline import convert_file
    from ingest.settings import load_settings

    return convert_file(Path(path), settings or load_settings(), os.fspath(path))
