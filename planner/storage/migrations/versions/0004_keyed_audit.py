"""A keyed audit chain: each row names its hash scheme and holds its document's hash.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

Rows already stored keep the plain SHA-256 scheme they were written with; the program
keys the chain when it next opens the database (an audit key outside the database is
needed, so this is not done here). Plain ADD COLUMN: the append-only triggers forbid
UPDATE and DELETE, not a new column with a default.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("audit", sa.Column("doc_hash", sa.String(64)))
    op.add_column(
        "audit",
        sa.Column("scheme", sa.String(16), nullable=False, server_default="sha256"),
    )
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value=revision))


def downgrade():
    raise NotImplementedError("Schema 0004 cannot be downgraded; restore a backup.")
