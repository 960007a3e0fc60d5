"""Every advertised key reaches its own target, on the Board, Today and in a patient tab.

The keys are read from ``ui.actions`` and from the texts on screen (menus, tabs,
buttons), never from a list kept here: a key added tomorrow is pressed too. Keys are
real key events sent to the widget with focus, so Qt's own routing decides, and an
ambiguous key (two owners) fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut, QShortcutEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QMenu,
    QMenuBar,
    QTabBar,
    QWidget,
)

from ui.actions import (
    ACTIONS,
    MENUS,
    PATIENT_TABS,
    PATIENT_TOOLBAR,
    SPECS,
    TOP_ACCESS_KEYS,
    ActionSpec,
    Scope,
    access_key,
    duplicates,
)

PATIENT_MRN = "DEMO-0011"  # allogeneic PBSC: every patient tab, Harvest and chimerism too


# --------------------------------------------------------------------------- helpers


@dataclass
class Owner:
    """Something on screen with an access key."""

    key: str
    kind: str  # "menu", "tab", "button", "label", "group"
    widget: QWidget
    index: int = -1  # the tab's index, the menu's position
    text: str = ""

    def __str__(self) -> str:
        return f"{self.kind} {self.text!r}"


def access_key_owners(window: QWidget) -> list[Owner]:
    """Everything visible in ``window`` with an access key (its mnemonic shortcut)."""
    owners: list[Owner] = []
    for w in window.findChildren(QWidget):
        if not w.isVisible():
            continue
        if isinstance(w, QMenuBar):
            for i, action in enumerate(a for a in w.actions() if a.isVisible()):
                owners.append(Owner(access_key(action.text()), "menu", w, i, action.text()))
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                if w.isTabVisible(i):
                    owners.append(Owner(access_key(w.tabText(i)), "tab", w, i, w.tabText(i)))
        elif isinstance(w, QAbstractButton):
            owners.append(Owner(access_key(w.text()), "button", w, text=w.text()))
        elif isinstance(w, QLabel) and w.buddy() is not None:
            owners.append(Owner(access_key(w.text()), "label", w, text=w.text()))
        elif isinstance(w, QGroupBox):
            owners.append(Owner(access_key(w.title()), "group", w, text=w.title()))
    return [o for o in owners if o.key]


class ShortcutSpy(QObject):
    """Records the shortcut events its watched widgets receive; swallows those of
    buttons, labels and group boxes (a click could open a dialog: reaching is enough)."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[QObject, bool]] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Shortcut and isinstance(event, QShortcutEvent):
            self.events.append((watched, event.isAmbiguous()))
            return not isinstance(watched, QTabBar | QMenuBar)
        return False


def press(qtbot, sequence: QKeySequence) -> None:
    """Send the first key of ``sequence`` to the widget with focus."""
    combo = sequence[0]
    target = QApplication.focusWidget()
    assert target is not None, "nothing has focus"
    if combo.key() < Qt.Key.Key_Escape:  # a key that types a character
        qtbot.keyClick(target, combo.key(), combo.keyboardModifiers())
    else:  # Ctrl+F4, F5, the Undo or Zoom In key: no character (keyClick would warn)
        QTest.sendKeyEvent(
            QTest.KeyAction.Click, target, combo.key(), "", combo.keyboardModifiers()
        )


def press_access_key(qtbot, key: str) -> None:
    press(qtbot, QKeySequence(f"Alt+{key}"))


def close_popups(window) -> None:
    while (popup := QApplication.activePopupWidget()) is not None:
        popup.close()
    if QApplication.focusWidget() is window.menuBar():  # leave the menu bar's key mode
        QApplication.focusWidget().clearFocus()


class Counter:
    """A stand-in for an action's slot."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, *_args: object, **_kwargs: object) -> None:
        self.calls += 1


def arm(window, spec: ActionSpec, monkeypatch) -> Callable[[], str]:
    """Replace the slot ``spec`` should run; the returned check says what went wrong."""
    ws = window.current_workspace()
    if spec.scope is Scope.PATIENT and ws is None:
        window.statusBar().clearMessage()
        refusal = f"{spec.label}: open a patient first."
        return lambda: (
            ""
            if window.statusBar().currentMessage() == refusal
            else f"no refusal, status: {window.statusBar().currentMessage()!r}"
        )
    owner = window if spec.scope is Scope.WINDOW else ws
    counter = Counter()
    monkeypatch.setattr(owner, spec.slot, counter)
    # Undo and redo are enabled only with something to undo: the key is what is tested.
    window.actions_by_name[spec.name].setEnabled(True)

    def check() -> str:
        monkeypatch.undo()
        return "" if counter.calls == 1 else f"slot {spec.slot} ran {counter.calls} times"

    return check


# --------------------------------------------------------------------------- contexts


@dataclass
class Context:
    """A screen: what is current and where the focus is."""

    name: str
    enter: Callable[[], QWidget]  # makes it current; returns the widget to focus

    def reset(self, window) -> None:
        close_popups(window)
        focus = self.enter()
        focus.setFocus(Qt.FocusReason.OtherFocusReason)
        assert QApplication.focusWidget() is focus, f"{self.name}: focus not on {focus}"


def _shown(window, qtbot) -> None:
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


@pytest.fixture
def window(demo_window, qtbot):
    _shown(demo_window, qtbot)
    return demo_window


def _open_patient(window):
    tid = next(r.transplant_id for r in window.session.rows if r.mrn == PATIENT_MRN)
    ws = window.open_transplant(tid)
    assert ws is not None and ws.harvest_tab is not None and ws.counts_tab.chimerism is not None
    return ws


def board_context(window) -> Context:
    def enter() -> QWidget:
        window.tabs.setCurrentIndex(0)
        return window.board.table

    return Context("board", enter)


def today_context(window) -> Context:
    def enter() -> QWidget:
        window.tabs.setCurrentIndex(1)
        return window.worklist_view

    return Context("today", enter)


def patient_context(window, ws, page: int, focus: Callable[[], QWidget]) -> Context:
    def enter() -> QWidget:
        window.open_transplant(ws.session.transplant.id)  # back to the patient's tab
        ws.tabs.setCurrentIndex(page)
        return focus()

    return Context(f"patient/{ws.tabs.tabText(page)}", enter)


def all_contexts(window) -> Iterator[Context]:
    """The Board, Today and every page of a patient tab."""
    yield board_context(window)
    yield today_context(window)
    ws = _open_patient(window)
    for page in range(ws.tabs.count()):
        yield patient_context(window, ws, page, ws.tabs.tabBar)


# --------------------------------------------------------------------------- the registry


def test_registry_declares_each_key_once(qapp):
    keys = [(k.toString(), a.name) for a in ACTIONS for k in a.key_sequences()]
    assert not duplicates(keys)
    assert not duplicates((access_key(t), t) for t in TOP_ACCESS_KEYS)
    assert all(access_key(t) for t in TOP_ACCESS_KEYS)
    for title, names in MENUS:
        entries = [(access_key(SPECS[n].text), n) for n in names if n is not None]
        assert all(k for k, _ in entries), title
        assert not duplicates(entries), title
    assert {n for _, names in MENUS for n in names if n} == set(SPECS)


def test_workspace_toolbar_comes_from_the_registry_without_keys(window):
    ws = _open_patient(window)
    actions = ws.toolbar.actions()
    assert [a.objectName() for a in actions] == list(PATIENT_TOOLBAR)
    for action in actions:
        spec = SPECS[action.objectName()]
        assert action.text() == spec.text
        assert action.shortcuts() == []  # the window's action owns the key...
        shown = spec.key_sequences()[0].toString(QKeySequence.SequenceFormat.NativeText)
        assert shown in action.toolTip()  # ...and the button names it


def test_workspace_toolbar_runs_on_its_patient(window, qtbot, monkeypatch):
    ws = _open_patient(window)
    for name in PATIENT_TOOLBAR:
        counter = Counter()
        monkeypatch.setattr(ws, SPECS[name].slot, counter)
        button = ws.toolbar.widgetForAction(ws.actions_by_name[name])
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert counter.calls == 1, name


# --------------------------------------------------------------------------- on screen


def test_nothing_on_screen_shares_an_access_key_or_a_shortcut(window):
    problems = []
    for context in all_contexts(window):
        context.reset(window)
        owners = access_key_owners(window)
        if shared := duplicates((o.key, str(o)) for o in owners):
            problems.append(f"{context.name}: access keys {shared}")
        if shared := duplicates(active_shortcuts(window)):
            problems.append(f"{context.name}: shortcuts {shared}")
    assert not problems, "\n".join(problems)


def active_shortcuts(window) -> Iterator[tuple[str, str]]:
    """(key, owner) of every QAction and QShortcut that something on screen carries."""
    for action in window.findChildren(QAction):
        if _on_screen(action.associatedObjects()):
            for key in action.shortcuts():
                yield key.toString(), action.objectName() or action.text()
    for shortcut in window.findChildren(QShortcut):
        if shortcut.isEnabled() and _on_screen([shortcut.parent()]):
            for key in shortcut.keys():  # noqa: SIM118 (a QShortcut, not a dict)
                yield key.toString(), shortcut.objectName() or repr(shortcut)


def _on_screen(owners: list[QObject]) -> bool:
    """Whether a widget of ``owners`` is visible; a menu counts where its menu is shown."""
    pending = list(owners)
    while pending:
        owner = pending.pop()
        if isinstance(owner, QMenu):
            pending += owner.menuAction().associatedObjects()
        elif isinstance(owner, QWidget) and owner.isVisible():
            return True
    return False


@pytest.mark.parametrize("where", ["board", "today", "patient", "patient-tab-bar"])
def test_every_shortcut_reaches_its_action(window, qtbot, monkeypatch, where):
    if where == "board":
        context = board_context(window)
    elif where == "today":
        context = today_context(window)
    else:
        ws = _open_patient(window)
        # Focus in the workspace, and on the window's own tab bar outside it.
        focus = (lambda: ws.timeline) if where == "patient" else window.tabs.tabBar
        context = patient_context(window, ws, 0, focus)
    failures = []
    pressed = 0
    for spec in ACTIONS:
        if spec.name not in window.actions_by_name:
            continue  # load_demo: only a demo database built with a loader offers it
        assert spec.key_sequences() or spec.name == "load_demo", f"{spec.name} has no key"
        for sequence in spec.key_sequences():
            context.reset(window)
            check = arm(window, spec, monkeypatch)
            press(qtbot, sequence)
            pressed += 1
            if error := check():
                failures.append(f"{sequence.toString()} ({spec.name}): {error}")
    assert pressed > 20
    assert not failures, "\n".join(failures)


def test_every_access_key_reaches_its_target(window, qtbot, monkeypatch):
    spy = ShortcutSpy()
    failures = []
    reached = 0
    for context in all_contexts(window):
        context.reset(window)
        owners = access_key_owners(window)
        for owner in owners:
            if not owner.widget.isEnabled():
                continue  # a disabled button takes no key
            context.reset(window)
            owner.widget.installEventFilter(spy)
            spy.events.clear()
            press_access_key(qtbot, owner.key)
            owner.widget.removeEventFilter(spy)
            where = f"{context.name}: Alt+{owner.key} -> {owner}"
            if spy.events != [(owner.widget, False)]:
                failures.append(f"{where}: shortcut events {spy.events}")
                continue
            if error := _target_reached(window, owner):
                failures.append(f"{where}: {error}")
                continue
            reached += 1
            if owner.kind == "menu":
                failures += _menu_entries_reach_their_actions(window, qtbot, monkeypatch, context)
                failures = [f for f in failures if f]
    close_popups(window)
    assert reached > 40
    assert not failures, "\n".join(failures)


def _target_reached(window, owner: Owner) -> str:
    if owner.kind == "tab":
        assert isinstance(owner.widget, QTabBar)
        current = owner.widget.currentIndex()
        return "" if current == owner.index else f"tab {current} is current"
    if owner.kind == "menu":
        menu = window.menuBar().actions()[owner.index].menu()
        popup = QApplication.activePopupWidget()
        return "" if popup is menu else f"popup is {popup}"
    return ""


def _menu_entries_reach_their_actions(window, qtbot, monkeypatch, context: Context) -> list[str]:
    """Each entry of the open menu, by its access key, runs its action."""
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu)
    title = menu.title()
    failures = []
    # A submenu (View > Language) is not an action of the registry: its own test opens it.
    for action in [a for a in menu.actions() if access_key(a.text()) and a.menu() is None]:
        spec = SPECS[action.objectName()]
        context.reset(window)
        check = arm(window, spec, monkeypatch)
        press_access_key(qtbot, access_key(title))
        popup = QApplication.activePopupWidget()
        if popup is None:
            failures.append(f"{context.name}: {title} did not open")
            continue
        qtbot.keyClick(popup, access_key(action.text()).lower())
        if error := check():
            failures.append(f"{context.name}: {title} > {action.text()}: {error}")
    return failures


def test_patient_tab_keys_named_in_the_report_reach_the_patient_tabs(window, qtbot):
    """Alt+T, Alt+P, Alt+L, Alt+H, Alt+K, Alt+U, Alt+V and Alt+S: the patient's tabs."""
    ws = _open_patient(window)
    for name, text in PATIENT_TABS.items():
        page = {
            "timeline": ws.timeline,
            "calendar": ws.calendar,
            "steps": ws.table,
            "checklists": ws.checklists,
            "complications": ws.complications,
            "harvest": ws.harvest_tab,
            "counts": ws.counts_tab,
            "plan_checks": ws.plan_checks,
        }[name]
        other = 1 if ws.tabs.indexOf(page) == 0 else 0
        context = patient_context(window, ws, other, ws.tabs.tabBar)
        context.reset(window)
        press_access_key(qtbot, access_key(text))
        assert window.current_workspace() is ws, text
        assert ws.tabs.currentWidget() is page, text
