"""Lab samples of creatinine and bilirubin: the analyte column holds their names.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10

Lab feeds bring serum creatinine and total bilirubin beside the blood counts
(``planner.domain.labs.CHEMISTRY_ANALYTES``); "creatinine" is longer than the eight
characters ``lab_samples.analyte`` held. PostgreSQL enforces a VARCHAR's length, so the
column is widened there (a longer VARCHAR rewrites no row: PostgreSQL documentation,
ALTER TABLE, Notes). SQLite ignores the length of a VARCHAR ("Datatypes In SQLite",
section 3.1). Saved lab import mappings are rows of ``meta``: no table is added.

A creatinine or bilirubin reported in umol/L is stored in mg/dL with the unit it was
reported in (``reported_unit``, "" for every older sample): graded criteria print their
own SI cut-offs, so a calculator is given the value as reported.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "lab_samples",
            "analyte",
            existing_type=sa.String(8),
            type_=sa.String(16),
            existing_nullable=False,
        )
    op.add_column(
        "lab_samples",
        sa.Column("reported_unit", sa.String(16), nullable=False, server_default=""),
    )
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value=revision))


def downgrade():
    raise NotImplementedError("Schema 0009 cannot be downgraded; restore a backup.")
