"""The Alembic revisions this program knows, oldest first (standard library only).

Kept apart from ``schema`` so the quick start can compare a file's revision with the
head before SQLAlchemy is imported. A test checks the list against the migration scripts.
"""

SCHEMA_REVISIONS: tuple[str, ...] = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0009",
    "0010",
    "0011",
    "0012",
)
HEAD_REVISION = SCHEMA_REVISIONS[-1]
