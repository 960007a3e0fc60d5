"""Where the program keeps its files: one data folder per user (platformdirs).

``TRANSPLANT_PLANNER_DATA`` overrides the folder (tests, portable installs). The
folder is created 0700 because it holds the database and backups. File names
here never contain patient data.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "transplant-planner"
DATA_ENV = "TRANSPLANT_PLANNER_DATA"


def data_dir() -> Path:
    """The user's data folder, created with mode 0700 if missing."""
    override = os.environ.get(DATA_ENV)
    folder = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME))
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def window_settings_path() -> Path | None:
    """Where window layout goes when the data folder is set by TRANSPLANT_PLANNER_DATA.

    None: the desktop's own settings store. With the variable set (a demo, a training
    copy, tests), nothing of the run is written outside the folder it names.
    """
    return data_dir() / "window.ini" if os.environ.get(DATA_ENV) else None


def default_database_path() -> Path:
    """The clinic database used when no ``--db`` is given."""
    return data_dir() / "clinic.db"


def demo_database_path() -> Path:
    """The demo clinic's own database, so demo data never mixes with real records."""
    return data_dir() / "demo-clinic.db"


def local_templates_dir() -> Path:
    """Where a centre adds its own protocol templates."""
    return data_dir() / "protocols"


def centre_settings_path() -> Path:
    """The centre's settings file (closures, contacts, thresholds)."""
    return data_dir() / "centre.toml"


def log_dir() -> Path:
    """Log files (never patient data)."""
    folder = data_dir() / "logs"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder
