"""Alembic environment: migrations run on the connection ``planner.storage.migrate`` passes.

There is no alembic.ini at run time; ``migrate.alembic_config`` sets the script location
in code and hands over an open connection (inside its transaction) in
``config.attributes["connection"]``.
"""

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations through planner.storage.migrate, not the alembic CLI.")

context.configure(connection=connection, target_metadata=None, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
