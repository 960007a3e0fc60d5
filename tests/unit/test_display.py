"""The desktop app says in one sentence why it cannot open a window, before Qt aborts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ui import display
from ui.display import NO_DISPLAY, NO_XCB_CURSOR, display_problem


def test_no_display_at_all_is_one_sentence() -> None:
    assert display_problem({}, "linux") == NO_DISPLAY


def test_a_display_without_an_x_server_is_named() -> None:
    found = display_problem({"DISPLAY": ":987"}, "linux")
    assert found.startswith("The display :987 cannot be reached")


def test_a_chosen_platform_or_wayland_is_left_to_qt() -> None:
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") == ""
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") == ""
    assert display_problem({}, "win32") == ""


def test_a_missing_xcb_cursor_library_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(display, "_has_xcb_cursor", lambda env: False)
    remote = {"DISPLAY": "workstation.example:0"}  # not a local socket: the library is checked
    assert display_problem(remote, "linux") == NO_XCB_CURSOR
    monkeypatch.setattr(display, "_has_xcb_cursor", lambda env: True)
    assert display_problem(remote, "linux") == ""


def test_the_app_without_a_display_exits_2_with_the_sentence(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TRANSPLANT_PLANNER_DATA": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", "import main, sys; sys.exit(main.main(['--demo']))"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 2
    assert done.stderr == f"transplant-planner: {NO_DISPLAY}\n"
    assert not (tmp_path / "demo-clinic.db").exists()
