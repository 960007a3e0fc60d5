"""Where the program keeps its files: one data folder per user (platformdirs).

``TRANSPLANT_PLANNER_DATA`` overrides the folder (tests, portable installs). The
folder is created 0700 because it holds the database and backups. Everything the
program writes for itself goes here (window layout, Qt's own file-dialog history, logs),
nothing beside it. File names here never contain patient data.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from planner.errors import StorageError

APP_NAME = "transplant-planner"
DATA_ENV = "TRANSPLANT_PLANNER_DATA"


def data_folder() -> Path:
    """The user's data folder, not created: reading a file in it (the centre's settings,
    local templates) must not need a folder the program can write."""
    override = os.environ.get(DATA_ENV)
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME))


def data_dir() -> Path:
    """The user's data folder, created with mode 0700 if missing.

    Raises:
        StorageError: the folder cannot be created (a read-only parent, a file in the
            way); the sentence names the folder and the variable that moves it.
    """
    folder = data_folder()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:  # FileExistsError too: a file where the folder should be
        reason = (
            "a file of that name is in the way"
            if isinstance(exc, FileExistsError)
            else (exc.strerror or type(exc).__name__)
        )
        raise StorageError(
            f"The data folder {folder} cannot be created ({reason}); set {DATA_ENV} to a "
            "folder you can write to."
        ) from None
    return folder


def window_settings_path() -> Path:
    """The window layout (an INI file in the data folder, never the desktop's own
    settings store: nothing of a run is written outside the data folder)."""
    return data_folder() / "window.ini"


def default_database_path() -> Path:
    """The clinic database used when no ``--db`` is given (opening it makes its folder)."""
    return data_folder() / "clinic.db"


def demo_database_path() -> Path:
    """The demo clinic's own database, so demo data never mixes with real records."""
    return data_folder() / "demo-clinic.db"


def local_templates_dir() -> Path:
    """Where a centre adds its own protocol templates."""
    return data_folder() / "protocols"


def centre_settings_path() -> Path:
    """The centre's settings file (closures, contacts, thresholds)."""
    return data_folder() / "centre.toml"


def log_dir() -> Path:
    """The folder of the log files (never patient data). Not created here: the log
    set-up makes it, and falls back to the terminal when it cannot."""
    return data_folder() / "logs"
