"""Alembic migrations of the service database (run by `workers.db`)."""
