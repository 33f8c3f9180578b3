"""One log format for every process (`ingest run`, worker, watch, serve…): one line per record on
stderr, as text or as JSON, with names from outside escaped so that none can forge a line."""

from __future__ import annotations

import argparse
import json
import logging
import sys

from ingest.names import escaped

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
FORMATS = ("text", "json")


class OneLineFormatter(logging.Formatter):
    """`time LEVEL logger: message`, or a JSON object per line; a traceback stays on the record's line."""

    def __init__(self, as_json: bool) -> None:
        super().__init__()
        self.as_json = as_json

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        error = self.formatException(record.exc_info) if record.exc_info else None
        when = self.formatTime(record)
        if self.as_json:
            entry = {"time": when, "level": record.levelname, "logger": record.name, "message": message}
            if error:
                entry["error"] = error
            # JSON escapes the control characters; the two Unicode line separators are escaped too.
            return json.dumps(entry, ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        line = f"{when} {record.levelname} {record.name}: {escaped(message)}"
        return f"{line} | {escaped(error)}" if error else line


def add_logging_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--log-level", type=str.upper, choices=LEVELS, default="INFO",
                        help="least severe records logged (default INFO)")
    parser.add_argument("--log-format", choices=FORMATS, default="text",
                        help="text lines or JSON lines, on stderr (default text)")


def setup_logging(level: str = "INFO", log_format: str = "text") -> None:
    """Every record of the process (its own, RQ's, uvicorn's) through one handler on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLineFormatter(log_format == "json"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    sys.unraisablehook = _log_unraisable


def _log_unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    """An exception Python cannot raise is a log line, not a traceback on stderr: RQ's stop request
    (raised by its signal handler) lands in logging's at-fork hook when SIGTERM comes as a worker forks."""
    what = unraisable.exc_type.__name__
    detail = f": {unraisable.exc_value}" if unraisable.exc_value is not None and str(unraisable.exc_value) else ""
    logging.getLogger("ingest").warning("ignored %s%s in %r", what, detail, unraisable.object)
