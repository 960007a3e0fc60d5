"""Clinical records (one JSON document per transplant and kind) and lab samples.

Revision ID: 0002
Revises: 0001
Create Date: 2026-03-24

Also widens ``audit.entity`` to 32 characters for entities such as
"record:complications" (PostgreSQL enforces VARCHAR lengths; SQLite does not, and its
append-only audit table is left untouched there).
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "records",
        sa.Column("transplant_id", sa.String(64), sa.ForeignKey("transplants.id"),
                  primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "lab_samples",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("patient_id", sa.String(64), sa.ForeignKey("patients.id"), nullable=False),
        sa.Column("mrn", sa.String(30), nullable=False),
        sa.Column("date", sa.String(10), nullable=False),
        sa.Column("analyte", sa.String(8), nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("qualifier", sa.String(1), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_lab_samples_patient_date", "lab_samples", ["patient_id", "date"])
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("audit", "entity", type_=sa.String(32),
                        existing_type=sa.String(16), existing_nullable=False)
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value=revision))


def downgrade():
    raise NotImplementedError("Schema 0002 cannot be downgraded; restore a backup.")
