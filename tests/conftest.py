"""Shared fixtures: the committed samples and their truths."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bench.postgres_server import PostgresServer, running_postgres
from ingest.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SEEDS = sorted((SAMPLES / "documents").glob("seed_*.txt"))


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings(workers=2)


def truth_of(document: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SAMPLES / "truth" / f"{document.name}.json").read_text(encoding="utf-8"))
    return data


def same_value(got: object, expected: object) -> bool:
    """Cell values equal as printed: None only equals None; decimals by their digits."""
    if got is None or expected is None:
        return got is None and expected is None
    return Decimal(str(got)) == Decimal(str(expected))


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL cluster for the session (each test makes its own database in it)."""
    with running_postgres() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str | None:
    """The service's database, for tests run on both backends: None (the output folder's embedded
    SQLite index, results as files) or a fresh PostgreSQL database that keeps everything."""
    if request.param == "sqlite":
        return None
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.create_database()
