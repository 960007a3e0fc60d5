"""Persisted window state (geometry, splitters, columns, open patients) through QSettings.

QSettings is injected so tests use an INI file in a temporary folder. Only record
ids (opaque) are kept here, never names or MRNs.

Every settings file of the process is kept in the data folder and made 0600 before Qt
first writes it: the window layout (``window.ini``) and Qt's own ``QtProject.conf``,
where QFileDialog keeps its history of visited folders (folder names can name a
patient). Qt writes an INI file through QSaveFile, which gives a new file the mode
0666 minus the umask but copies the permissions of the file it replaces (QSaveFile::open
in qtbase's src/corelib/io/qsavefile.cpp), so a file created 0600 here stays 0600.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

LANGUAGE_KEY = "view/language"
"""The interface language (ui/translation.py), kept with the window layout."""

QT_PROJECT_FILE = "QtProject.conf"
"""The file of ``QSettings(QSettings.UserScope, "QtProject")``, Qt's own settings (the
file dialog's history) once the user-scope path is the data folder."""


def private_file(path: Path) -> bool:
    """Create ``path`` empty with mode 0600, or make an existing file 0600.

    False when it cannot be done (a read-only folder): Qt then fails to save settings
    quietly, which costs the window layout and nothing else.
    """
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError:
        return False
    try:
        if os.name == "posix":
            os.fchmod(fd, 0o600)
    except OSError:
        return False
    finally:
        os.close(fd)
    return True


def private_settings(path: Path) -> QSettings:
    """An INI settings file at ``path``, created 0600 before Qt writes it."""
    private_file(path)
    return QSettings(str(path), QSettings.Format.IniFormat)


def keep_qt_settings_in(folder: Path) -> None:
    """Send every user-scope QSettings of this process to ``folder``, Qt's own included.

    ``QSettings.setPath`` moves where the INI and (on Linux, where it is an INI file too)
    the native format are kept; ``setDefaultFormat`` makes a ``QSettings()`` built without
    a file an INI file there. On Windows and macOS, Qt keeps its native-format settings
    in the registry and the preferences system, not in files.
    """
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    private_file(folder / QT_PROJECT_FILE)


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

    def load_language(self) -> str:
        """The interface language chosen (View > Language): "system" (the default, the
        system's locale decides) or a language code such as "es"."""
        value = self._s.value(LANGUAGE_KEY, "system")
        return value if isinstance(value, str) and value else "system"

    def save_language(self, choice: str) -> None:
        """Keep the interface language for the next start (written at once)."""
        self._s.setValue(LANGUAGE_KEY, choice)
        self._s.sync()

    def sync(self) -> None:
        """Write to disk now."""
        self._s.sync()
