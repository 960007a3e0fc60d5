"""Accounts and the sign-in throttle.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

``accounts`` holds one row per person (planner.domain.accounts): written through the
audited commit path, so ``check`` compares each row with its last audit row.
``sign_in_failures`` counts failed sign-ins in a row per typed name, so that repeated
failures pause further tries from every workstation. No account exists after this
migration: a database keeps working without sign-in until a centre adds the first
(an administrator).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "accounts",
        sa.Column("key", sa.String(128), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "sign_in_failures",
        sa.Column("key", sa.String(128), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("paused_until", sa.String(40)),
    )
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value=revision))


def downgrade():
    raise NotImplementedError("Schema 0008 cannot be downgraded; restore a backup.")
