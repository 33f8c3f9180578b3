"""docs/openapi.json is the spec the API serves (regenerate with `python -m workers.openapi`)."""

from __future__ import annotations

from workers.openapi import SPEC_PATH, current_spec


def test_committed_openapi_spec_is_current() -> None:
    assert SPEC_PATH.read_text(encoding="utf-8") == current_spec(), "run `python -m workers.openapi`"
