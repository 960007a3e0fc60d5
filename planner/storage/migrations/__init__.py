"""Alembic migrations of the Transplant Planner database (run by ``planner.storage.migrate``)."""
