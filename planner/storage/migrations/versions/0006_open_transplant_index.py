"""An index of transplants by status: the board reads the open ones only.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

The clinic board, the worklist and the clinic timeline read the transplants that are
not completed, cancelled or deceased, with their patients, plans, records and counts;
this index finds them without reading the programme's whole history.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_transplants_status", "transplants", ["status"])
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value=revision))


def downgrade():
    raise NotImplementedError("Schema 0006 cannot be downgraded; restore a backup.")
