"""Storage adapters: the SQL repository (SQLite default, PostgreSQL optional), migrations,
audit-chain verification and backups.

Only ``main.py`` and tests build a repository; everything else sees the
``planner.records.ports.Repository`` protocol.

    repo = open_repository(path_or_url, user="jsmith", workstation="WS-12")
    try:
        ...
    finally:
        repo.close()

The names below are loaded on first use (PEP 562): importing a standard-library-only
submodule (``files``, ``lock``, ``quick``, ``revisions``) must not import SQLAlchemy,
which costs a fifth of a second that the quick start does not have.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from planner.storage.files import default_database_path
    from planner.storage.opening import (
        OpenedDatabase,
        open_database,
        open_repository,
        verify_audit,
    )
    from planner.storage.sql import SqlRepository

__all__ = [
    "OpenedDatabase",
    "SqlRepository",
    "default_database_path",
    "open_database",
    "open_repository",
    "verify_audit",
]

_HOMES = {
    "OpenedDatabase": "planner.storage.opening",
    "open_database": "planner.storage.opening",
    "open_repository": "planner.storage.opening",
    "verify_audit": "planner.storage.opening",
    "SqlRepository": "planner.storage.sql",
    "default_database_path": "planner.storage.files",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'planner.storage' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
