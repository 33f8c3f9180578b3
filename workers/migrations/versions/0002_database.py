"""Everything durable in the database: result names and JSON, input bytes, page images, the audit trail;
decisions looked up by content.

Revision ID: 0002
"""

from pathlib import PurePath

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("report", sa.Text))
        batch.add_column(sa.Column("result", sa.JSON().with_variant(postgresql.JSONB(), "postgresql")))
    op.create_index("ix_documents_report", "documents", ["report"])
    op.create_index("corrections_content", "corrections", ["sha256", "cell"], if_not_exists=True)
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.Text, primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "page_images",
        sa.Column("sha256", sa.Text, primary_key=True),
        sa.Column("page", sa.Integer, primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("line", sa.Text, nullable=False),
    )
    # Results of folder users: their names, for the review of a document by its result.
    bind = op.get_bind()
    paths = bind.execute(sa.text("SELECT sha256, result_path FROM documents WHERE result_path IS NOT NULL"))
    for sha256, result_path in paths.fetchall():
        bind.execute(sa.text("UPDATE documents SET report = :name WHERE sha256 = :sha"),
                     {"name": PurePath(result_path).name, "sha": sha256})
