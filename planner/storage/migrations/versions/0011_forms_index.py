"""The registry forms' index: each transplant's forms, dated at a mark.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

The registry-forms list dated every form of every transplant ever recorded from the
plans, checklists and patients of the whole history at each opening (4.6 s at 10,000
archived transplants, and growing with the programme). ``forms_entries`` keeps what it
computed for each transplant with the mark of ``board_marks`` it was computed at, so a
list reads the entries and dates again only the transplants changed since. Derived data,
as ``board_entries``: not audited, not compared by ``check``.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "forms_entries",
        sa.Column("transplant_id", sa.Text, primary_key=True),
        sa.Column("mark", sa.Integer, nullable=False),
        sa.Column("context", sa.Text, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
    )
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value=revision))


def downgrade():
    # Derived data only: dropping it loses nothing the records do not hold.
    op.drop_table("forms_entries")
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value=down_revision))
