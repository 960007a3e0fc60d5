"""The database tables (SQLAlchemy Core), kept apart from the domain dataclasses.

This module describes the schema at the newest revision for the repository's queries.
The migrations in ``planner/storage/migrations/versions`` create it; they do not import
this module (a migration is frozen once released). ``SCHEMA_REVISIONS`` lists every
Alembic revision this program knows, oldest first; a test checks it against the
migration scripts.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

# Re-exported: the revision list lives in a module without SQLAlchemy (quick start).
from planner.storage.revisions import HEAD_REVISION as HEAD_REVISION
from planner.storage.revisions import SCHEMA_REVISIONS as SCHEMA_REVISIONS

metadata = MetaData()

SEARCH_KEY = "search_key"

patients = Table(
    "patients",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("mrn", String(30), nullable=False, unique=True),
    Column("family_name", Text, nullable=False),
    Column("given_name", Text, nullable=False),
    Column("date_of_birth", String(10), nullable=False),
    Column("sex", String(10), nullable=False),
    Column("height_cm", Float),
    Column("weight_kg", Float),
    Column("weight_date", String(10)),
    Column("diagnosis", Text, nullable=False),
    Column("disease_status", Text, nullable=False),
    Column("coordinator", Text, nullable=False),
    Column("contacts", Text, nullable=False),
    Column("language", String(8), nullable=False),
    Column("abo", String(2), nullable=False),
    Column("cmv_igg", String(10), nullable=False),
    Column("version", Integer, nullable=False),
    # 0003: the renal dose rules and the hepatitis B prophylaxis rule read these.
    Column("creatinine_mg_dl", Float),
    Column("creatinine_date", String(10)),
    Column("hbsag", String(10)),
    Column("anti_hbc", String(10)),
    # 0005: registry identifiers.
    Column("cibmtr_crid", String(12)),
    Column("ebmt_id", String(30)),
    # 0007: ``planner.domain.search.patient_search_key`` of the name and MRN, kept with
    # every write of the row so a search of the history runs in the store. Derived, not
    # part of the patient's document (nor of its audited hash).
    Column(SEARCH_KEY, Text),
)

transplants = Table(
    "transplants",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("patient_id", String(64), ForeignKey("patients.id"), nullable=False, index=True),
    Column("transplant_type", String(16), nullable=False),
    Column("graft_source", String(16), nullable=False),
    Column("day0", String(10)),
    Column("intensity", String(8), nullable=False),
    # 0006: indexed; the board reads the open transplants only.
    Column("status", String(16), nullable=False, index=True),
    Column("donor", Text),  # JSON text of the donor dict, or NULL
    Column("tandem", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    # 0005: the transplant record (JSON list of status changes, or NULL).
    Column("number", Integer),
    Column("manipulation", String(40)),
    Column("status_history", Text),
)

plans = Table(
    "plans",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("transplant_id", String(64), ForeignKey("transplants.id"), nullable=False, unique=True),
    Column("day0", String(10), nullable=False),
    Column("document", Text, nullable=False),  # serialize.plan_to_dict without version
    Column("version", Integer, nullable=False),
)

audit = Table(
    "audit",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("at_utc", String(40), nullable=False),
    Column("utc_offset_min", Integer, nullable=False),
    Column("user", Text, nullable=False),
    Column("workstation", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("patient_id", String(64), index=True),
    Column("entity", String(32), nullable=False),  # 16 until 0002
    Column("entity_id", String(64), nullable=False),
    Column("field", Text, nullable=False),
    Column("old", Text),
    Column("new", Text),
    Column("reason", Text, nullable=False),
    Column("app_version", String(32), nullable=False),
    Column("hash", String(64), nullable=False),
    # 0004: the keyed chain (planner.records.audit).
    Column("doc_hash", String(64)),
    Column("scheme", String(16), nullable=False, server_default="sha256"),
    sqlite_autoincrement=True,
)

records = Table(
    "records",
    metadata,
    Column("transplant_id", String(64), ForeignKey("transplants.id"), primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("body", Text, nullable=False),  # JSON text of ClinicalRecord.body
    Column("version", Integer, nullable=False),
)

lab_samples = Table(
    "lab_samples",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),  # insertion order
    Column("patient_id", String(64), ForeignKey("patients.id"), nullable=False),
    Column("mrn", String(30), nullable=False),  # as the source wrote it (leading zeros)
    Column("date", String(10), nullable=False),  # ISO calendar date
    Column("analyte", String(16), nullable=False),  # 8 until 0009 ("creatinine")
    Column("value", Float, nullable=False),  # canonical unit, stored exactly (REAL)
    Column("unit", String(16), nullable=False),
    Column("qualifier", String(1), nullable=False),  # "", "<" or ">"
    Column("source", Text, nullable=False),
    # "umol/L" for a creatinine or bilirubin reported in it; "" otherwise (0009).
    Column("reported_unit", String(16), nullable=False, server_default=""),
    Index("ix_lab_samples_patient_date", "patient_id", "date"),
    sqlite_autoincrement=True,
)

# Also the saved lab import mappings, one row each ("lab_mapping:" + name).
meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# 0008: accounts (planner.domain.accounts); written through commits, audited.
accounts = Table(
    "accounts",
    metadata,
    Column("key", String(128), primary_key=True),  # account_key(name)
    Column("name", Text, nullable=False),
    Column("role", String(16), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("version", Integer, nullable=False),
)

# 0008: failed sign-ins in a row per typed name: a throttle, not a record (not audited).
sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("key", String(128), primary_key=True),
    Column("count", Integer, nullable=False),
    Column("paused_until", String(40)),  # ISO UTC, or NULL
)

# 0010: the board index (``Repository.board_index``). Derived data, not records: neither
# is audited nor compared by ``check``. A transplant's mark is the audit seq of the last
# commit that changed its data, raised in that commit's transaction.
board_marks = Table(
    "board_marks",
    metadata,
    Column("transplant_id", Text, primary_key=True),
    Column("mark", Integer, nullable=False),
)

# 0010: each transplant's stored board entry, computed by the app at the mark it names.
board_entries = Table(
    "board_entries",
    metadata,
    Column("transplant_id", Text, primary_key=True),
    Column("mark", Integer, nullable=False),
    Column("context", Text, nullable=False),
    Column("payload", Text, nullable=False),
)

# 0012: each board entry's day lines, apart from its head (``board_entries.payload``), so
# a start reads the line of its day only (``Repository.board_index(day)``): derived data.
board_entry_days = Table(
    "board_entry_days",
    metadata,
    Column("transplant_id", Text, primary_key=True),
    Column("day", Text, primary_key=True),
    Column("line", Text, nullable=False),
)

# 0011: each transplant's registry forms (``Repository.forms_index``), dated by the app at
# the mark it names, for every transplant ever recorded: the forms list reads these, not
# the history's plans. Derived data as the board's entries, under the same marks.
forms_entries = Table(
    "forms_entries",
    metadata,
    Column("transplant_id", Text, primary_key=True),
    Column("mark", Integer, nullable=False),
    Column("context", Text, nullable=False),
    Column("payload", Text, nullable=False),
)

PATIENT_FIELDS: tuple[str, ...] = tuple(c.name for c in patients.columns if c.name != SEARCH_KEY)
TRANSPLANT_FIELDS: tuple[str, ...] = tuple(c.name for c in transplants.columns)
LAB_FIELDS: tuple[str, ...] = tuple(c.name for c in lab_samples.columns if c.name != "id")
