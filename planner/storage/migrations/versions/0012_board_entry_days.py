"""The board entries' day lines in a table of their own.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

A board entry held its head and its eight days' lines in one text, so every start read
all eight days of every open transplant to show one: 11 MB at 500 patients, 22-25 ms of
each start. ``board_entry_days`` keeps a line per transplant and day, and
``board_entries.payload`` the head only, so a start reads the head and its day's line
(``Repository.board_index(day)``), 2 MB.

The entries stored before are deleted: derived data, in the former layout, which the app
computes again (every entry names the program version it was computed by, so a new
release computes them all anyway). Neither table is audited nor compared by ``check``.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "board_entry_days",
        sa.Column("transplant_id", sa.Text, primary_key=True),
        sa.Column("day", sa.Text, primary_key=True),
        sa.Column("line", sa.Text, nullable=False),
    )
    op.execute(sa.table("board_entries").delete())
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value=revision))


def downgrade():
    # Derived data only: the heads kept would be read as whole entries, so they go too.
    op.drop_table("board_entry_days")
    op.execute(sa.table("board_entries").delete())
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value=down_revision))
