"""Patient facts the plan rules read: latest serum creatinine and hepatitis B markers.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06

Nullable columns: patients saved before have no creatinine and unknown markers.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN on both SQLite and PostgreSQL: the table is not rebuilt.
    op.add_column("patients", sa.Column("creatinine_mg_dl", sa.Float))
    op.add_column("patients", sa.Column("creatinine_date", sa.String(10)))
    op.add_column("patients", sa.Column("hbsag", sa.String(10)))
    op.add_column("patients", sa.Column("anti_hbc", sa.String(10)))
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value=revision))


def downgrade():
    raise NotImplementedError("Schema 0003 cannot be downgraded; restore a backup.")
