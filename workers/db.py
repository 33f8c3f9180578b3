"""The service's database: one schema (SQLAlchemy Core) on SQLite or PostgreSQL, kept current by Alembic.

`sqlite:///OUT/index.sqlite` (the default) is the embedded index of one output folder: inputs, results and
page images stay files in that folder. With `postgresql://…` every durable thing lives in the database
(documents, input bytes, result JSON, page images, decisions, the audit trail), so workers on other machines
need nothing but Redis and the database.
"""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Result JSON: jsonb on PostgreSQL, JSON text on SQLite.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

# Alembic reports each plugin (when imported) and step at INFO: the service's logs need none of it.
logging.getLogger("alembic").setLevel(logging.WARNING)


def _document_key() -> sa.Column[str]:
    """The SHA-256 of an input's bytes: the key of each thing kept once per document."""
    return sa.Column("sha256", sa.Text, primary_key=True)


def _text(name: str) -> sa.Column[str]:
    """Text that every row has."""
    return sa.Column(name, sa.Text, nullable=False)


def _time(name: str) -> sa.Column[float]:
    """A moment that every row has, in seconds since the epoch."""
    return sa.Column(name, sa.Float, nullable=False)


metadata = sa.MetaData()


def _journal(name: str, *columns: sa.Column[Any]) -> sa.Table:
    """A table that only grows (reviewers' decisions, the audit trail): each row numbered and timed."""
    return sa.Table(
        name, metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _time("at"),
        *columns,
    )


documents = sa.Table(
    "documents", metadata,
    _document_key(),
    _text("name"),
    sa.Column("size", sa.BigInteger, nullable=False),
    _text("status"),
    _text("job_id"),
    sa.Column("error_code", sa.Text),
    sa.Column("error", sa.Text),
    sa.Column("result_path", sa.Text),
    sa.Column("conversions", sa.Integer, nullable=False, server_default="0"),
    _time("submitted_at"),
    sa.Column("started_at", sa.Float),
    sa.Column("finished_at", sa.Float),
    # The result's name (`<stem>.<sha prefix>.json`) and, in a database that keeps everything, its JSON.
    sa.Column("report", sa.Text, index=True),
    sa.Column("result", JSON),
)
jobs = sa.Table(
    "jobs", metadata,
    sa.Column("job_id", sa.Text, primary_key=True),
    sa.Column("sha256", sa.Text, sa.ForeignKey("documents.sha256"), nullable=False),
    _time("submitted_at"),
)
blobs = sa.Table(
    "blobs", metadata,
    _document_key(),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)
page_images = sa.Table(
    "page_images", metadata,
    _document_key(),
    sa.Column("page", sa.Integer, primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),
)
corrections = _journal(
    "corrections",
    _text("report"),
    _text("sha256"),
    _text("cell"),
    _text("action"),
    sa.Column("read_value", sa.Text),
    sa.Column("previous_value", sa.Text),
    sa.Column("value", sa.Text),
    _text("reviewer"),
    sa.Column("version", sa.Integer, nullable=False),
)
audit = _journal("audit", _text("line"))


class NoFolder(ValueError):
    """An embedded database was asked for without its output folder."""


def default_url(out: Path) -> str:
    """The embedded index of an output folder."""
    return f"sqlite:///{out.resolve() / 'index.sqlite'}"


def database_url(out: Path | None, given: str | None = None) -> str:
    """`given` (the settings' --db or INGEST_DB), else the folder's embedded index."""
    if given:
        return given
    if out is None:
        raise NoFolder("give an output folder (--out), or a database (--db URL or INGEST_DB)")
    return default_url(out)


class Database:
    """An engine on the service's database, its schema brought up to date on first use."""

    # One engine, and one migration check, per URL and process.
    _engines: dict[str, tuple[int, sa.Engine]] = {}  # noqa: RUF012

    def __init__(self, url: str) -> None:
        self.url = url
        pid, engine = self._engines.get(url, (0, None))
        # A forked process (RQ's work horse) must not share its parent's connections.
        if engine is None or pid != os.getpid():
            _create_sqlite(url)
            engine = _engine(url)
            _upgrade(engine)
            self._engines[url] = (os.getpid(), engine)
        self.engine = engine

    @property
    def keeps_everything(self) -> bool:
        """True when inputs, results and page images live in the database rather than in a folder."""
        return self.engine.dialect.name != "sqlite"

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[sa.Connection]:
        """One write transaction; on SQLite taken up front (BEGIN IMMEDIATE), so writers are serialized."""
        with self.engine.connect().execution_options(immediate=True) as conn, conn.begin():
            yield conn

    def upsert_ignore(self, table: sa.Table, values: dict[str, Any]) -> sa.Insert:
        """INSERT … ON CONFLICT DO NOTHING, in this database's dialect."""
        if self.engine.dialect.name == "postgresql":
            return postgresql.insert(table).values(**values).on_conflict_do_nothing()
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(table).values(**values).on_conflict_do_nothing()


def _engine(url: str) -> sa.Engine:
    if not url.startswith("sqlite"):
        # psycopg 3 whatever the URL says (SQLAlchemy would pick psycopg2 for a bare postgresql://).
        driver = sa.make_url(url).set(drivername="postgresql+psycopg")
        return sa.create_engine(driver, pool_pre_ping=True)
    path = sa.make_url(url).database
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # The driver's own transaction handling off: BEGIN is ours, so writers can take the lock up front.
    engine = sa.create_engine(url, connect_args={"timeout": 30, "isolation_level": None}, poolclass=sa.NullPool)

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi: Any, record: Any) -> None:
        dbapi.execute("PRAGMA journal_mode=WAL")
        dbapi.execute("PRAGMA foreign_keys=ON")

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("immediate") else "BEGIN")

    return engine


def _create_sqlite(url: str) -> None:
    """A new embedded database appears whole: made under a temporary name, then linked into place
    (a process that finds the file never finds it half-made, and of two that race one wins)."""
    path = Path(sa.make_url(url).database or "") if url.startswith("sqlite") else None
    if path is None or not path.name or path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = path.with_name(f".{path.name}.{uuid.uuid4().hex}.new")
    try:
        engine = _engine(f"sqlite:///{fresh}")
        _upgrade(engine)
        engine.dispose()
        with contextlib.suppress(FileExistsError):
            os.link(fresh, path)
    finally:
        for leftover in (fresh, Path(f"{fresh}-wal"), Path(f"{fresh}-shm")):
            leftover.unlink(missing_ok=True)


def _upgrade(engine: sa.Engine) -> None:
    """Bring the schema to the newest migration (an index.sqlite of before Alembic included), once."""
    # Imported here, after its loggers were quieted: importing it logs each of its plugins.
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.connect() as conn:
        if sa.inspect(conn).has_table("alembic_version"):
            current = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            if current == head:
                return
    with engine.connect().execution_options(immediate=True) as conn, conn.begin():
        if engine.dialect.name == "postgresql":
            # Many workers start at once: one migrates, the others wait and find nothing to do.
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7201813)")
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
