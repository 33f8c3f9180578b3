"""The index as it was before Alembic: documents, jobs, corrections (created only where missing).

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    present = set(sa.inspect(op.get_bind()).get_table_names())
    if "documents" not in present:
        op.create_table(
            "documents",
            sa.Column("sha256", sa.Text, primary_key=True),
            sa.Column("name", sa.Text, nullable=False),
            sa.Column("size", sa.BigInteger, nullable=False),
            sa.Column("status", sa.Text, nullable=False),
            sa.Column("job_id", sa.Text, nullable=False),
            sa.Column("error_code", sa.Text),
            sa.Column("error", sa.Text),
            sa.Column("result_path", sa.Text),
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
            sa.Column("report", sa.Text, nullable=False),
            sa.Column("sha256", sa.Text, nullable=False),
            sa.Column("cell", sa.Text, nullable=False),
            sa.Column("action", sa.Text, nullable=False),
            sa.Column("read_value", sa.Text),
            sa.Column("previous_value", sa.Text),
            sa.Column("value", sa.Text),
            sa.Column("reviewer", sa.Text, nullable=False),
            sa.Column("at", sa.Float, nullable=False),
            sa.Column("version", sa.Integer, nullable=False),
        )
        op.create_index("corrections_cell", "corrections", ["report", "cell"])
