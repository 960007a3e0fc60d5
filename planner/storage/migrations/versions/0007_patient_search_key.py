"""Each patient's search key: a search of the history runs in the store.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

The board searches the closed transplants' patients by name or MRN without reading them
all: ``patients.search_key`` holds the case- and accent-folded roster name and MRN
(``planner.domain.search.patient_search_key``), written with every save of the patient.
Patients stored before get theirs here.
"""

import sqlalchemy as sa
from alembic import op

from planner.domain.search import patient_search_key

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN on both SQLite and PostgreSQL: the table is not rebuilt.
    op.add_column("patients", sa.Column("search_key", sa.Text))
    patients = sa.table(
        "patients",
        sa.column("id", sa.String),
        sa.column("mrn", sa.String),
        sa.column("family_name", sa.Text),
        sa.column("given_name", sa.Text),
        sa.column("search_key", sa.Text),
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(patients.c.id, patients.c.mrn, patients.c.family_name, patients.c.given_name)
    ).all()
    keys = [
        {"pid": r.id, "key": patient_search_key(r.family_name, r.given_name, r.mrn)}
        for r in rows
    ]
    if keys:
        conn.execute(
            patients.update()
            .where(patients.c.id == sa.bindparam("pid"))
            .values(search_key=sa.bindparam("key")),
            keys,
        )
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value=revision))


def downgrade():
    raise NotImplementedError("Schema 0007 cannot be downgraded; restore a backup.")
