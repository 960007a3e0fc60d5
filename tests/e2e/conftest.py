"""Every command-line test runs on a data folder of its own."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Never touch the developer's real data folder or database.
    monkeypatch.setenv("TRANSPLANT_PLANNER_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("TRANSPLANT_PLANNER_DB", raising=False)
