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

The texts are English source texts marked for translation (context "actions"); what is
shown is ``shown(text)``, and each language picks its own access keys under the same
rule (tests/gui/test_translation.py checks the Spanish ones).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QAction, QKeySequence

from planner.domain.accounts import Permission
from ui.translation import QT_TRANSLATE_NOOP

_EDIT = Permission.EDIT_CLINICAL

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
        permission: what the signed-in role needs to run it (``planner.domain.accounts``);
            the window disables an action the role lacks, and the commit refuses it
            anyway.
    """

    name: str
    text: str
    slot: str
    shortcuts: tuple[Shortcut, ...] = ()
    scope: Scope = Scope.WINDOW
    needs_clinic: bool = True
    tip: str = ""
    permission: Permission = Permission.READ

    @property
    def label(self) -> str:
        """The text without its access key or trailing dots ("Move Day 0")."""
        return plain_text(self.text).rstrip(".")

    @property
    def shown_text(self) -> str:
        """The text in the interface's language ("Mover el &Día 0...")."""
        return shown(self.text)

    @property
    def shown_label(self) -> str:
        """The shown text without its access key or trailing dots."""
        return plain_text(self.shown_text).rstrip(".")

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
    ActionSpec(
        "new_patient",
        QT_TRANSLATE_NOOP("actions", "&New patient..."),
        "new_patient",
        (_K.New,),
        permission=_EDIT,
    ),
    ActionSpec(
        "open_patient",
        QT_TRANSLATE_NOOP("actions", "&Open selected patient"),
        "open_selected",
        (_K.Open,),
    ),
    ActionSpec(
        "close_tab",
        QT_TRANSLATE_NOOP("actions", "&Close patient tab"),
        "close_current_tab",
        (_K.Close,),
    ),
    ActionSpec(
        "export_documents",
        QT_TRANSLATE_NOOP("actions", "Print / e&xport..."),
        "export_documents",
        ("Ctrl+Shift+P",),
        tip=QT_TRANSLATE_NOOP("actions", "Preview, save or print the current patient's documents"),
    ),
    ActionSpec(
        "print_worklist",
        QT_TRANSLATE_NOOP("actions", "&Print worklist..."),
        "print_worklist",
        (_K.Print,),
    ),
    # The board as filtered and sorted on screen, landscape, audited like the worklist.
    # Access key A: B and O are Back up and Open in this menu.
    ActionSpec(
        "print_board",
        QT_TRANSLATE_NOOP("actions", "Print bo&ard..."),
        "print_board",
        ("Ctrl+Shift+O",),
        tip=QT_TRANSLATE_NOOP("actions", "Print the board's rows as filtered and sorted"),
    ),
    # Data files (issue 18): the patient's or the team's calendar, FHIR, spreadsheets;
    # one dialog, opened on the calendar or on the spreadsheets.
    ActionSpec(
        "export_calendar",
        QT_TRANSLATE_NOOP("actions", "Expor&t calendar..."),
        "export_calendar",
        ("Ctrl+Shift+M",),
        tip=QT_TRANSLATE_NOOP(
            "actions", "Save a calendar file (.ics) of the patient's dates, or the team's"
        ),
    ),
    ActionSpec(
        "export_data",
        QT_TRANSLATE_NOOP("actions", "Export data (&spreadsheet, FHIR)..."),
        "export_data",
        ("Ctrl+Shift+X",),
        tip=QT_TRANSLATE_NOOP(
            "actions", "Save the board, worklist, forms or a plan as a spreadsheet, or FHIR"
        ),
    ),
    # Only the demo database offers this in the menu; a real clinic database is offered
    # the demo only while empty (the panel on the board), with a question.
    ActionSpec(
        "load_demo",
        QT_TRANSLATE_NOOP("actions", "Reload &demo patients"),
        "load_demo",
        permission=_EDIT,
    ),
    ActionSpec(
        "backup_now",
        QT_TRANSLATE_NOOP("actions", "&Back up now"),
        "backup_now",
        ("Ctrl+Shift+B",),
        tip=QT_TRANSLATE_NOOP(
            "actions", "Write a verified backup of the clinic database into its backups folder"
        ),
    ),
    # The app does not restore under itself: the action says how (see
    # MainWindow.restore_from_backup).
    ActionSpec(
        "restore_backup",
        QT_TRANSLATE_NOOP("actions", "&Restore from backup..."),
        "restore_from_backup",
        ("Ctrl+Shift+R",),
        needs_clinic=False,
        tip=QT_TRANSLATE_NOOP("actions", "How to put a verified backup back in place"),
    ),
    # Ctrl+Q on every platform: Windows has no standard key for Quit, so the menu would
    # show none there.
    ActionSpec(
        "quit", QT_TRANSLATE_NOOP("actions", "&Quit"), "close", ("Ctrl+Q",), needs_clinic=False
    ),
    ActionSpec(
        "undo", QT_TRANSLATE_NOOP("actions", "&Undo"), "undo", (_K.Undo,), needs_clinic=False
    ),
    ActionSpec(
        "redo",
        QT_TRANSLATE_NOOP("actions", "&Redo"),
        "redo",
        ("Ctrl+Shift+Z", "Ctrl+Y"),
        needs_clinic=False,
    ),
    ActionSpec(
        "find",
        QT_TRANSLATE_NOOP("actions", "&Find patient"),
        "focus_search",
        (_K.Find,),
        needs_clinic=False,
    ),
    ActionSpec(
        "edit_patient",
        QT_TRANSLATE_NOOP("actions", "&Edit patient..."),
        "edit_patient",
        ("Ctrl+E",),
        permission=_EDIT,
    ),
    ActionSpec(
        "edit_transplant",
        QT_TRANSLATE_NOOP("actions", "T&ransplant record..."),
        "edit_transplant",
        ("Ctrl+Shift+E",),
        tip=QT_TRANSLATE_NOOP(
            "actions", "Number, graft, donor and status of the open transplant, with its history"
        ),
        permission=_EDIT,
    ),
    ActionSpec(
        "new_plan",
        QT_TRANSLATE_NOOP("actions", "New &plan..."),
        "new_plan_for_current",
        ("Ctrl+Shift+N",),
        permission=_EDIT,
    ),
    ActionSpec(
        "move_day0",
        QT_TRANSLATE_NOOP("actions", "Move &Day 0..."),
        "move_day0",
        ("Ctrl+D",),
        _P,
        permission=_EDIT,
    ),
    # Any transplant's infusion (cord units, marrow, CAR T cells too), not only from the
    # Harvest tab, which only a stem-cell collection has.
    ActionSpec(
        "infusion",
        QT_TRANSLATE_NOOP("actions", "&Infusion record..."),
        "open_infusion",
        ("Ctrl+Shift+I",),
        _P,
        tip=QT_TRANSLATE_NOOP(
            "actions", "Products infused (ISBT 128 DIN), doses per kg and infusion reactions"
        ),
        permission=_EDIT,
    ),
    # Mobilisation really started on another day than the template's default.
    ActionSpec(
        "set_anchor",
        QT_TRANSLATE_NOOP("actions", "Set &anchor date..."),
        "set_anchor",
        ("Ctrl+Shift+D",),
        _P,
        permission=_EDIT,
    ),
    # The independent double check of the conditioning doses, signed with a password.
    ActionSpec(
        "verify_doses",
        QT_TRANSLATE_NOOP("actions", "&Verify doses..."),
        "verify_doses",
        ("Ctrl+Shift+V",),
        _P,
        tip=QT_TRANSLATE_NOOP(
            "actions", "Check the conditioning doses and sign for them with your password"
        ),
        permission=Permission.VERIFY_DOSES,
    ),
    # Printed views of the current patient: each through the print dialog, audited.
    ActionSpec(
        "print_timeline",
        QT_TRANSLATE_NOOP("actions", "Print &timeline..."),
        "print_timeline",
        ("Ctrl+Shift+T",),
        _P,
    ),
    ActionSpec(
        "print_calendar",
        QT_TRANSLATE_NOOP("actions", "Print ca&lendar..."),
        "print_calendar",
        ("Ctrl+Shift+L",),
        _P,
    ),
    ActionSpec(
        "print_checklists",
        QT_TRANSLATE_NOOP("actions", "Print chec&klists..."),
        "print_checklists",
        ("Ctrl+Shift+K",),
        _P,
    ),
    ActionSpec(
        "show_board",
        QT_TRANSLATE_NOOP("actions", "&Board"),
        "show_board",
        ("Ctrl+1",),
        needs_clinic=False,
    ),
    ActionSpec(
        "show_today",
        QT_TRANSLATE_NOOP("actions", "&Today"),
        "show_today",
        ("Ctrl+2",),
        needs_clinic=False,
    ),
    ActionSpec(
        "show_forms",
        QT_TRANSLATE_NOOP("actions", "Re&gistry forms due..."),
        "show_forms",
        ("Ctrl+3",),
    ),
    ActionSpec(
        "patient_audit",
        QT_TRANSLATE_NOOP("actions", "A&udit trail of this patient..."),
        "show_patient_audit",
        # H for history; not Ctrl+Shift+4 (Shift+4 is another key on each layout) nor
        # Ctrl+Shift+U (Unicode input in IBus and GTK).
        ("Ctrl+Shift+H",),
    ),
    ActionSpec(
        "show_audit",
        QT_TRANSLATE_NOOP("actions", "&Audit trail..."),
        "show_audit",
        ("Ctrl+4",),
    ),
    # Ctrl+= too: on most keyboards "+" needs Shift, and Ctrl+Shift+= is not Ctrl++.
    ActionSpec(
        "zoom_in",
        QT_TRANSLATE_NOOP("actions", "Zoom &in"),
        "zoom_in",
        (_K.ZoomIn, "Ctrl+="),
        needs_clinic=False,
    ),
    ActionSpec(
        "zoom_out",
        QT_TRANSLATE_NOOP("actions", "Zoom &out"),
        "zoom_out",
        (_K.ZoomOut,),
        needs_clinic=False,
    ),
    ActionSpec("fit", QT_TRANSLATE_NOOP("actions", "&Fit"), "fit", ("Ctrl+0",), needs_clinic=False),
    # Refresh waits for nothing: it is also the way to retry a first load that failed.
    ActionSpec(
        "refresh",
        QT_TRANSLATE_NOOP("actions", "&Refresh"),
        "refresh_clinic",
        (_K.Refresh,),
        needs_clinic=False,
    ),
    ActionSpec(
        "user_guide",
        QT_TRANSLATE_NOOP("actions", "&User guide"),
        "show_user_guide",
        ("F1",),
        needs_clinic=False,
    ),
    ActionSpec(
        "about",
        QT_TRANSLATE_NOOP("actions", "&About Transplant Planner"),
        "show_about",
        ("Ctrl+Shift+F1",),
        needs_clinic=False,
    ),
)

# Accounts (a database with accounts; Accounts also sets up the first one).
ACCOUNT_ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "accounts",
        QT_TRANSLATE_NOOP("actions", "Acco&unts..."),
        "show_accounts",
        ("Ctrl+Shift+A",),
        tip=QT_TRANSLATE_NOOP("actions", "Who may sign in, with which role; the sign-in rules"),
        # Anyone, on a database without accounts: that is how the first one is added.
        permission=Permission.MANAGE_USERS,
    ),
    ActionSpec(
        "change_password",
        QT_TRANSLATE_NOOP("actions", "Change my pass&word..."),
        "change_password",
        ("Ctrl+Shift+J",),
        needs_clinic=False,
    ),
    ActionSpec(
        "lock_now",
        QT_TRANSLATE_NOOP("actions", "&Lock now"),
        "lock_now",
        ("Ctrl+L",),
        needs_clinic=False,
        tip=QT_TRANSLATE_NOOP("actions", "Hide patient data until you sign in again"),
    ),
)
ACTIONS = ACTIONS + ACCOUNT_ACTIONS

SPECS: dict[str, ActionSpec] = {spec.name: spec for spec in ACTIONS}

# Menu titles and entries (None: a separator). A name the window does not build
# (load_demo outside the demo) is left out.
HELP_MENU = QT_TRANSLATE_NOOP("actions", "Help")

MENUS: tuple[tuple[str, tuple[str | None, ...]], ...] = (
    (
        QT_TRANSLATE_NOOP("actions", "&File"),
        (
            "new_patient",
            "open_patient",
            "close_tab",
            None,
            "export_documents",
            "print_worklist",
            "print_board",
            "export_calendar",
            "export_data",
            "load_demo",
            None,
            "backup_now",
            "restore_backup",
            None,
            "accounts",
            "change_password",
            "lock_now",
            None,
            "quit",
        ),
    ),
    (QT_TRANSLATE_NOOP("actions", "&Edit"), ("undo", "redo", None, "find")),
    # Not "&Patient": Alt+P is the patient's Complications tab.
    (
        QT_TRANSLATE_NOOP("actions", "Patie&nt"),
        (
            "edit_patient",
            "edit_transplant",
            "new_plan",
            None,
            "move_day0",
            "set_anchor",
            "infusion",
            "verify_doses",
            None,
            "print_timeline",
            "print_calendar",
            "print_checklists",
            None,
            "patient_audit",
        ),
    ),
    # Not "&View": Alt+V is the patient's Harvest tab.
    (
        QT_TRANSLATE_NOOP("actions", "Vie&w"),
        (
            "show_board",
            "show_today",
            "show_forms",
            "show_audit",
            None,
            "zoom_in",
            "zoom_out",
            "fit",
            None,
            "refresh",
        ),
    ),
    # No access key: H, E, L and P are the Checklists, Edit, Calendar and Complications
    # keys, and a name built around a free letter would hide Help. F1 opens the guide and
    # F10 (or Alt alone) reaches this menu from the keyboard.
    (HELP_MENU, ("user_guide", None, "about")),
)

# View > Language, after the View menu's entries (its own access key among them): the
# language choices are built by the window (ui/translation.py), not actions of this table.
LANGUAGE_MENU = QT_TRANSLATE_NOOP("actions", "&Language")
LANGUAGE_MENU_OF = QT_TRANSLATE_NOOP("actions", "Vie&w")

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
MAIN_TABS: dict[str, str] = {
    "board": QT_TRANSLATE_NOOP("actions", "&Board"),
    "today": QT_TRANSLATE_NOOP("actions", "To&day"),
}

# A patient's tabs, in order (Harvest only for a mobilisation, an autologous or a PBSC
# transplant).
PATIENT_TABS: dict[str, str] = {
    "timeline": QT_TRANSLATE_NOOP("actions", "&Timeline"),
    "calendar": QT_TRANSLATE_NOOP("actions", "Ca&lendar"),
    "steps": QT_TRANSLATE_NOOP("actions", "&Steps"),
    "checklists": QT_TRANSLATE_NOOP("actions", "C&hecklists"),
    "complications": QT_TRANSLATE_NOOP("actions", "Com&plications"),
    "harvest": QT_TRANSLATE_NOOP("actions", "Har&vest"),
    "counts": QT_TRANSLATE_NOOP("actions", "Co&unts"),
    "plan_checks": QT_TRANSLATE_NOOP("actions", "Plan chec&ks"),
}

TOP_ACCESS_KEYS: tuple[str, ...] = (
    *(title for title, _ in MENUS if title != HELP_MENU),
    *MAIN_TABS.values(),
    *PATIENT_TABS.values(),
)
"""Every text on screen whatever the patient tab shows: no two share an access key.

In Spanish they take A, E, P, V (menus), T, H (Board, Today) and C, D, S, L, N, R, O, B
(the patient tabs): a button or label on a patient page takes another letter."""

_ACCESS_KEY = re.compile(r"&(.)")


def shown(text: str) -> str:
    """A text of this module (an action, a menu, a tab) in the interface's language."""
    return QCoreApplication.translate("actions", text)


def shown_top_access_keys() -> list[str]:
    """``TOP_ACCESS_KEYS`` as shown in the interface's language."""
    return [shown(text) for text in TOP_ACCESS_KEYS]


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
    action = QAction(spec.shown_text, parent)
    action.setObjectName(spec.name)
    keys = spec.key_sequences()
    if with_shortcut:
        action.setShortcuts(keys)
    elif keys:
        key = keys[0].toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{spec.shown_label} ({key})")
    action.setStatusTip(shown(spec.tip) if spec.tip else spec.shown_label)
    action.triggered.connect(lambda _checked=False: run())
    return action


def duplicates(items: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Keys shared by more than one owner: ``(key, owner)`` pairs -> {key: owners}."""
    owners: dict[str, list[str]] = {}
    for key, owner in items:
        if key:
            owners.setdefault(key, []).append(owner)
    return {k: v for k, v in owners.items() if len(v) > 1}
