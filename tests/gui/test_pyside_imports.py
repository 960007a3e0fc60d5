"""shiboken's "does this module use PySide6" check, made cheap, answers as the original."""

from __future__ import annotations

import importlib
import inspect
import json
import sys

import pytest

from ui import pyside_imports


def _original(module) -> bool:
    """The check as shiboken makes it (PYSIDE-2029): "PySide6" in the module's source."""
    try:
        return "PySide6" in inspect.getsource(module)
    except (TypeError, OSError):
        return False


@pytest.mark.parametrize(
    "name",
    [
        "ui.main_window",  # uses PySide6
        "ui.widgets.clinic_timeline",
        "ui.pyside_imports",  # names it in its text
        "planner.domain.plans",  # does not
        "planner.app.clinic",
        "json",  # the standard library, pure Python
        "math",  # an extension: no source
        "sys",  # built in
        "sqlalchemy.sql.compiler",
    ],
)
def test_the_quick_check_answers_as_shibokens(name: str) -> None:
    module = importlib.import_module(name)
    assert pyside_imports.uses_pyside(module) == _original(module)


def test_the_check_is_replaced_once_the_ui_is_imported() -> None:
    feature = sys.modules["shibokensupport.feature"]
    assert feature._mod_uses_pyside is pyside_imports.uses_pyside
    # Modules imported since carry shiboken's default as the original check gives it.
    assert feature.pyside_feature_dict.get("ui.main_window") == 0
    assert feature.pyside_feature_dict.get(json.__name__, -1) == -1
