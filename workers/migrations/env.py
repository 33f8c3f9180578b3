"""Alembic's environment: migrations run on the connection `workers.db` hands over (never from a .ini)."""

from alembic import context

from workers.db import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
context.run_migrations()
