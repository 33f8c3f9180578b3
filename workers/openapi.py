"""Write the API's OpenAPI spec to docs/openapi.json (`python -m workers.openapi`; `--check` to verify it)."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from workers.api import create_app
from workers.config import load_service_settings

SPEC_PATH = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"


def current_spec() -> str:
    """The spec FastAPI serves at /openapi.json, as committed (sorted keys, indented)."""
    with tempfile.TemporaryDirectory() as out:
        spec = create_app(load_service_settings(out)).openapi()
    return json.dumps(spec, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workers.openapi", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/openapi.json is out of date")
    args = parser.parse_args(argv)
    spec = current_spec()
    if args.check:
        if not SPEC_PATH.exists() or SPEC_PATH.read_text(encoding="utf-8") != spec:
            print(f"{SPEC_PATH} is out of date: run `python -m workers.openapi`", file=sys.stderr)
            return 1
        return 0
    SPEC_PATH.parent.mkdir(exist_ok=True)
    SPEC_PATH.write_text(spec, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
