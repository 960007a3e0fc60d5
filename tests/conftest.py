"""Shared test set-up: offscreen Qt, the automatic ``gui`` marker, fixed dates."""

from __future__ import annotations

import datetime as dt
import os

import pytest

# Backstop for pytest-env: no test may need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses a Qt fixture as ``gui`` so ``-m 'not gui'`` is Qt-free."""
    for item in items:
        if {"qapp", "qtbot", "qtmodeltester"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.gui)


@pytest.fixture(autouse=True)
def _no_user_database_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's TRANSPLANT_PLANNER_DATA/DB must not leak into tests (tests set them)."""
    monkeypatch.delenv("TRANSPLANT_PLANNER_DATA", raising=False)
    monkeypatch.delenv("TRANSPLANT_PLANNER_DB", raising=False)


@pytest.fixture(autouse=True, scope="session")
def _light_password_hashes() -> None:
    """Hashes made by tests cost 1 MiB, not the default 128 MiB (hundreds of accounts);
    ``tests/unit/test_passwords.py`` checks the default parameters themselves."""
    from planner.domain.passwords import Cost, set_cost

    set_cost(Cost(log2_n=10, r=8, p=1))


@pytest.fixture
def today() -> dt.date:
    """A fixed 'today' so tests never read the clock."""
    return dt.date(2026, 3, 10)
