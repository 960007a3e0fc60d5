"""Whether the desktop app can open a window here, told before Qt is started.

Without a display, or on X11 without the library Qt 6.5+ needs for its xcb plugin
(libxcb-cursor0, per the Qt for X11 requirements page), Qt prints several lines about
platform plugins and aborts the process. This module says it in one sentence instead.
It imports nothing from Qt, so the check costs a few file-system lookups at start.
"""

from __future__ import annotations

import glob
import os
import re
import sys
from collections.abc import Mapping

NO_DISPLAY = (
    "There is no display to open the window on: start Transplant Planner from a desktop "
    "session, or under 'xvfb-run -a' (the command line needs no display)."
)
NO_SERVER = (
    "The display {display} cannot be reached (no X server is running on it): start "
    "Transplant Planner from a desktop session, or under 'xvfb-run -a'."
)
NO_XCB_CURSOR = (
    "The desktop app needs the system library libxcb-cursor0 to open a window on X11 "
    "(Debian or Ubuntu: sudo apt install libxcb-cursor0)."
)
_LIB_GLOBS = (
    "/usr/lib/*/libxcb-cursor.so.0*",
    "/usr/lib/libxcb-cursor.so.0*",
    "/usr/lib64/libxcb-cursor.so.0*",
    "/lib/*/libxcb-cursor.so.0*",
    "/usr/local/lib/libxcb-cursor.so.0*",
)


def _has_xcb_cursor(environ: Mapping[str, str]) -> bool:
    folders = [f for f in environ.get("LD_LIBRARY_PATH", "").split(":") if f]
    patterns = [*_LIB_GLOBS, *(os.path.join(f, "libxcb-cursor.so.0*") for f in folders)]
    if any(glob.glob(p) for p in patterns):
        return True
    import ctypes.util  # the loader's own search (ldconfig): only when the globs missed

    return ctypes.util.find_library("xcb-cursor") is not None


def display_problem(environ: Mapping[str, str] | None = None, platform: str = "") -> str:
    """Why no window can be opened, as one sentence, or "" when Qt should manage."""
    env = os.environ if environ is None else environ
    if not (platform or sys.platform).startswith("linux"):
        return ""
    chosen = env.get("QT_QPA_PLATFORM", "")
    if chosen and not chosen.startswith("xcb"):
        return ""  # offscreen, wayland, vnc, ...: chosen on purpose
    if not chosen and env.get("WAYLAND_DISPLAY"):
        return ""
    display = env.get("DISPLAY", "")
    if not display:
        return NO_DISPLAY
    local = re.fullmatch(r"(?:unix)?:(\d+)(?:\.\d+)?", display)
    if local and not os.path.exists(f"/tmp/.X11-unix/X{local[1]}"):
        return NO_SERVER.format(display=display)
    # A bundle carries the libraries of the machine that built it.
    if not getattr(sys, "frozen", False) and not _has_xcb_cursor(env):
        return NO_XCB_CURSOR
    return ""
