"""The index as it was before Alembic: documents, jobs, corrections (created only where missing).

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def _texts(*names: str, nullable: bool = True) -> list[sa.Column[str]]:
    """Text columns, in the order given."""
    return [sa.Column(name, sa.Text, nullable=nullable) for name in names]


def upgrade() -> None:
    present = set(sa.inspect(op.get_bind()).get_table_names())
    if "documents" not in present:
        op.create_table(
            "documents",
            sa.Column("sha256", sa.Text, primary_key=True),
            *_texts("name", nullable=False),
            sa.Column("size", sa.BigInteger, nullable=False),
            *_texts("status", "job_id", nullable=False),
            *_texts("error_code", "error", "result_path"),
            sa.Column("conversions", sa.Integer, nullable=False, server_default="0"),
            sa.Column("submitted_at", sa.Float, nullable=False),
            sa.Column("started_at", sa.Float),
            sa.Column("finished_at", sa.Float),
        )
        op.create_index("documents_status", "documents", ["status"])
    if "jobs" not in present:
        op.create_table(
            "jobs",
            sa.Column("job_id", sa.Text, primary_key=True),
            sa.Column("sha256", sa.Text, sa.ForeignKey("documents.sha256"), nullable=False),
            sa.Column("submitted_at", sa.Float, nullable=False),
        )
    if "corrections" not in present:
        op.create_table(
            "corrections",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            *_texts("report", "sha256", "cell", "action", nullable=False),
            *_texts("read_value", "previous_value", "value"),
            *_texts("reviewer", nullable=False),
            sa.Column("at", sa.Float, nullable=False),
            sa.Column("version", sa.Integer, nullable=False),
        )
        op.create_index("corrections_cell", "corrections", ["report", "cell"])
