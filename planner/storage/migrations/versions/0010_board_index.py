"""The board index: a mark per transplant and a stored board entry per transplant.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-10

The quick start painted the board from one whole-clinic snapshot (a row of ``meta``),
keyed by a mark of the whole database: any commit made all of it stale. Each transplant
now has its own mark (``board_marks``: the audit seq of the last commit that changed its
data, raised in that commit's transaction) and its own stored entry (``board_entries``:
derived data the app computed at a mark), so an edit makes one transplant's entry stale,
not the clinic's. Neither table is audited nor compared by ``check``: they are derived
from the records, never the truth.

No mark is written for the transplants stored before: they read as mark 0 until a
commit touches them, and no entry exists yet. The old snapshot is deleted: nothing reads
it any more.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "board_marks",
        sa.Column("transplant_id", sa.Text, primary_key=True),
        sa.Column("mark", sa.Integer, nullable=False),
    )
    op.create_table(
        "board_entries",
        sa.Column("transplant_id", sa.Text, primary_key=True),
        sa.Column("mark", sa.Integer, nullable=False),
        sa.Column("context", sa.Text, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
    )
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    op.execute(meta.delete().where(meta.c.key == "board_snapshot"))
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value=revision))


def downgrade():
    # Derived data only: dropping it loses nothing the records do not hold.
    op.drop_table("board_entries")
    op.drop_table("board_marks")
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value=down_revision))
