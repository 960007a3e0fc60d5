"""Persisted window state (geometry, splitters, columns, open patients) through QSettings.

QSettings is injected so tests use an INI file in a temporary folder. Only record
ids (opaque) are kept here, never names or MRNs.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings


class WindowState:
    """Typed access to the "persist" group of the settings."""

    def __init__(self, settings: QSettings) -> None:
        self._s = settings

    def save_bytes(self, key: str, value: QByteArray) -> None:
        """Store a Qt state blob (geometry, splitter, header)."""
        self._s.setValue(f"persist/{key}", value)

    def load_bytes(self, key: str) -> QByteArray | None:
        """A stored Qt state blob, or None."""
        value = self._s.value(f"persist/{key}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def save_open_plans(self, transplant_ids: list[str]) -> None:
        """The transplants whose tabs are open (opaque ids only)."""
        self._s.setValue("persist/open_transplants", list(transplant_ids))

    def load_open_plans(self) -> list[str]:
        """Transplant ids to reopen."""
        value = self._s.value("persist/open_transplants", [])
        if isinstance(value, str):
            return [value] if value else []
        return [str(v) for v in value] if isinstance(value, list) else []

    def sync(self) -> None:
        """Write to disk now."""
        self._s.sync()
