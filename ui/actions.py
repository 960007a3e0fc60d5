"""Every user action, menu, toolbar and top-level access key, declared once.

The main window builds its menus and toolbar from this module, the patient workspace its
toolbar; tests read it to press every advertised key. Nothing here knows a patient.

One owner per shortcut. An action that works on the open patient (Move Day 0, Set
anchor date) lives in the main window and acts on the current patient tab; its
workspace shows the same action on its toolbar without a shortcut. The other design,
the shortcut on the workspace only, fails in three ways: Qt gives up with "Ambiguous
shortcut overload" the moment the window declares the same key for its menu entry, a
workspace shortcut is dead while focus is outside the workspace (on the window's tab
bar or toolbar), and on the Board the key would silently do nothing where the window
can say why it refuses.

Access keys are allotted across everything on screen at once: the menu bar, the
window's Board and Today tabs and a patient's tabs (``TOP_ACCESS_KEYS``). The patient
tabs keep the letters coordinators already use (Alt+T Timeline, Alt+P Complications,
Alt+V Harvest...); the menus and the Today tab give way: Patie&nt, Vie&w, To&day.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

Shortcut = QKeySequence.StandardKey | str


class Scope(StrEnum):
    """Where an action's slot lives."""

    WINDOW = "window"
    """A ``MainWindow`` method, whatever tab is current."""
    PATIENT = "patient"
    """A ``PatientWorkspace`` method, run on the current patient tab (refused elsewhere)."""


@dataclass(frozen=True)
class ActionSpec:
    """One user action.

    Attributes:
        name: its key in ``actions_by_name``.
        text: the menu text with its access key ("Move &Day 0...").
        slot: the name of the method the action runs (see ``scope``), looked up when
            triggered, so a test can replace it on the object.
        shortcuts: standard keys or key strings; the first is the one menus show.
        scope: whose method ``slot`` names.
        needs_clinic: reads or writes the clinic, so it waits for the live load after
            a quick start (False: it only looks at the board already on screen).
        tip: the status tip (default: the text without its access key).
    """

    name: str
    text: str
    slot: str
    shortcuts: tuple[Shortcut, ...] = ()
    scope: Scope = Scope.WINDOW
    needs_clinic: bool = True
    tip: str = ""

    @property
    def label(self) -> str:
        """The text without its access key or trailing dots ("Move Day 0")."""
        return plain_text(self.text).rstrip(".")

    def key_sequences(self) -> list[QKeySequence]:
        """Every key sequence of the action on this platform, without repeats."""
        out: list[QKeySequence] = []
        for shortcut in self.shortcuts:
            if isinstance(shortcut, QKeySequence.StandardKey):
                found = QKeySequence.keyBindings(shortcut)
            else:
                found = [QKeySequence(shortcut)]
            out += [k for k in found if not k.isEmpty() and k not in out]
        return out


_W, _P = Scope.WINDOW, Scope.PATIENT
_K = QKeySequence.StandardKey

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("new_patient", "&New patient...", "new_patient", (_K.New,)),
    ActionSpec("open_patient", "&Open selected patient", "open_selected", (_K.Open,)),
    ActionSpec("close_tab", "&Close patient tab", "close_current_tab", (_K.Close,)),
    ActionSpec(
        "export_documents",
        "Print / e&xport...",
        "export_documents",
        ("Ctrl+Shift+P",),
        tip="Preview, save or print the current patient's documents",
    ),
    ActionSpec("print_worklist", "&Print worklist...", "print_worklist", (_K.Print,)),
    # Only the demo database offers this in the menu; a real clinic database is offered
    # the demo only while empty (the panel on the board), with a question.
    ActionSpec("load_demo", "Reload &demo patients", "load_demo"),
    ActionSpec(
        "backup_now",
        "&Back up now",
        "backup_now",
        ("Ctrl+Shift+B",),
        tip="Write a verified backup of the clinic database into its backups folder",
    ),
    # The app does not restore under itself: the action says how (see
    # MainWindow.restore_from_backup).
    ActionSpec(
        "restore_backup",
        "&Restore from backup...",
        "restore_from_backup",
        ("Ctrl+Shift+R",),
        needs_clinic=False,
        tip="How to put a verified backup back in place",
    ),
    # Ctrl+Q on every platform: Windows has no standard key for Quit, so the menu would
    # show none there.
    ActionSpec("quit", "&Quit", "close", ("Ctrl+Q",), needs_clinic=False),
    ActionSpec("undo", "&Undo", "undo", (_K.Undo,), needs_clinic=False),
    ActionSpec("redo", "&Redo", "redo", ("Ctrl+Shift+Z", "Ctrl+Y"), needs_clinic=False),
    ActionSpec("find", "&Find patient", "focus_search", (_K.Find,), needs_clinic=False),
    ActionSpec("edit_patient", "&Edit patient...", "edit_patient", ("Ctrl+E",)),
    ActionSpec("new_plan", "New &plan...", "new_plan_for_current", ("Ctrl+Shift+N",)),
    ActionSpec("move_day0", "Move &Day 0...", "move_day0", ("Ctrl+D",), _P),
    # Mobilisation really started on another day than the template's default.
    ActionSpec("set_anchor", "Set &anchor date...", "set_anchor", ("Ctrl+Shift+D",), _P),
    # Printed views of the current patient: each through the print dialog, audited.
    ActionSpec("print_timeline", "Print &timeline...", "print_timeline", ("Ctrl+Shift+T",), _P),
    ActionSpec("print_calendar", "Print ca&lendar...", "print_calendar", ("Ctrl+Shift+L",), _P),
    ActionSpec(
        "print_checklists", "Print chec&klists...", "print_checklists", ("Ctrl+Shift+K",), _P
    ),
    ActionSpec("show_board", "&Board", "show_board", ("Ctrl+1",), needs_clinic=False),
    ActionSpec("show_today", "&Today", "show_today", ("Ctrl+2",), needs_clinic=False),
    # Ctrl+= too: on most keyboards "+" needs Shift, and Ctrl+Shift+= is not Ctrl++.
    ActionSpec("zoom_in", "Zoom &in", "zoom_in", (_K.ZoomIn, "Ctrl+="), needs_clinic=False),
    ActionSpec("zoom_out", "Zoom &out", "zoom_out", (_K.ZoomOut,), needs_clinic=False),
    ActionSpec("fit", "&Fit", "fit", ("Ctrl+0",), needs_clinic=False),
    # Refresh waits for nothing: it is also the way to retry a first load that failed.
    ActionSpec("refresh", "&Refresh", "refresh_clinic", (_K.Refresh,), needs_clinic=False),
    ActionSpec("user_guide", "&User guide", "show_user_guide", ("F1",), needs_clinic=False),
    ActionSpec(
        "about", "&About Transplant Planner", "show_about", ("Ctrl+Shift+F1",), needs_clinic=False
    ),
)

SPECS: dict[str, ActionSpec] = {spec.name: spec for spec in ACTIONS}

# Menu titles and entries (None: a separator). A name the window does not build
# (load_demo outside the demo) is left out.
HELP_MENU = "Help"

MENUS: tuple[tuple[str, tuple[str | None, ...]], ...] = (
    (
        "&File",
        (
            "new_patient",
            "open_patient",
            "close_tab",
            None,
            "export_documents",
            "print_worklist",
            "load_demo",
            None,
            "backup_now",
            "restore_backup",
            None,
            "quit",
        ),
    ),
    ("&Edit", ("undo", "redo", None, "find")),
    # Not "&Patient": Alt+P is the patient's Complications tab.
    (
        "Patie&nt",
        (
            "edit_patient",
            "new_plan",
            None,
            "move_day0",
            "set_anchor",
            None,
            "print_timeline",
            "print_calendar",
            "print_checklists",
        ),
    ),
    # Not "&View": Alt+V is the patient's Harvest tab.
    (
        "Vie&w",
        ("show_board", "show_today", None, "zoom_in", "zoom_out", "fit", None, "refresh"),
    ),
    # No access key: H, E, L and P are the Checklists, Edit, Calendar and Complications
    # keys, and a name built around a free letter would hide Help. F1 opens the guide and
    # F10 (or Alt alone) reaches this menu from the keyboard.
    (HELP_MENU, ("user_guide", None, "about")),
)

MAIN_TOOLBAR: tuple[str, ...] = (
    "new_patient",
    "new_plan",
    "move_day0",
    "undo",
    "redo",
    "export_documents",
    "print_worklist",
)

# The patient tab's toolbar: its actions run on that workspace; their keys are the
# window's (see the module docstring).
PATIENT_TOOLBAR: tuple[str, ...] = ("move_day0", "set_anchor", "zoom_in", "zoom_out", "fit")

# The main window's own tabs. Not "&Today": Alt+T is the patient's Timeline.
MAIN_TABS: dict[str, str] = {"board": "&Board", "today": "To&day"}

# A patient's tabs, in order (Harvest only for a mobilisation, an autologous or a PBSC
# transplant).
PATIENT_TABS: dict[str, str] = {
    "timeline": "&Timeline",
    "calendar": "Ca&lendar",
    "steps": "&Steps",
    "checklists": "C&hecklists",
    "complications": "Com&plications",
    "harvest": "Har&vest",
    "counts": "Co&unts",
    "plan_checks": "Plan chec&ks",
}

TOP_ACCESS_KEYS: tuple[str, ...] = (
    *(title for title, _ in MENUS if title != HELP_MENU),
    *MAIN_TABS.values(),
    *PATIENT_TABS.values(),
)
"""Every text on screen whatever the patient tab shows: no two share an access key."""

_ACCESS_KEY = re.compile(r"&(.)")


def access_key(text: str) -> str:
    """The access key of ``text``, upper case ("" when none; "&&" is a literal "&")."""
    for match in _ACCESS_KEY.finditer(text):
        if match.group(1) != "&":
            return match.group(1).upper()
    return ""


def plain_text(text: str) -> str:
    """``text`` as shown, without its access key marker."""
    return _ACCESS_KEY.sub(lambda m: m.group(1), text)


def literal(text: str) -> str:
    """``text`` shown as is: an "&" in data (an MRN) must not become an access key."""
    return text.replace("&", "&&")


def make_action(
    spec: ActionSpec,
    parent: QObject,
    run: Callable[[], object],
    *,
    with_shortcut: bool = True,
) -> QAction:
    """A QAction for ``spec`` that calls ``run`` when triggered.

    ``with_shortcut`` False: the key is another action's (the window's); the tooltip
    still names it, so a toolbar button teaches the key.
    """
    action = QAction(spec.text, parent)
    action.setObjectName(spec.name)
    keys = spec.key_sequences()
    if with_shortcut:
        action.setShortcuts(keys)
    elif keys:
        shown = keys[0].toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{spec.label} ({shown})")
    action.setStatusTip(spec.tip or spec.label)
    action.triggered.connect(lambda _checked=False: run())
    return action


def duplicates(items: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Keys shared by more than one owner: ``(key, owner)`` pairs -> {key: owners}."""
    owners: dict[str, list[str]] = {}
    for key, owner in items:
        if key:
            owners.setdefault(key, []).append(owner)
    return {k: v for k, v in owners.items() if len(v) > 1}
