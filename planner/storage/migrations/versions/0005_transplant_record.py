"""The whole transplant record: number, graft manipulation, status history; registry IDs.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06

Nullable columns: transplants saved before are number 1, unmanipulated, with no status
change recorded; patients saved before have no registry identifiers. The donor's new
fields (relation, sex, age, registry ID) live in the donor's JSON and need no column.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN on both SQLite and PostgreSQL: the tables are not rebuilt.
    op.add_column("transplants", sa.Column("number", sa.Integer))
    op.add_column("transplants", sa.Column("manipulation", sa.String(40)))
    op.add_column("transplants", sa.Column("status_history", sa.Text))
    op.add_column("patients", sa.Column("cibmtr_crid", sa.String(12)))
    op.add_column("patients", sa.Column("ebmt_id", sa.String(30)))
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value=revision))


def downgrade():
    raise NotImplementedError("Schema 0005 cannot be downgraded; restore a backup.")
