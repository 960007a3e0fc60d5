"""Signing in, and the idle lock that hides patient data until the same person signs in
again (``planner.app.accounts`` holds the rules; this module only asks and shows).

Nothing of the clinic is read before someone has signed in. A password check takes half a
second (scrypt, ``planner.domain.passwords``): it runs in a worker thread, and the dialog
stays responsive. A refusal says what the core says (never which part was wrong) and the
Sign in button waits out the delay the core asks for.

The idle lock covers every window of the app with an opaque shroud and lets input reach
only the unlock dialog: a half-typed form stays as it was under its shroud (hiding a modal
dialog would end it and lose what was typed), and no shortcut of the windows beneath
fires. It is installed only where the database has accounts; without them the program
behaves as before and no event filter sees the events.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QWindow
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from planner.app.context import SignedIn
from planner.domain.accounts import SignInMethod, SignInPolicy, role_name
from planner.errors import SignInError
from planner.records.ports import Actor, Repository
from ui.errors import user_message
from ui.workers import run_in_background

Clock = Callable[[], dt.datetime]
# A sign-in found right, and its write still to run (None: written by the check itself).
Checked = tuple[SignedIn, Callable[[], None] | None]


class SignInDialog(QDialog):
    """Name and password; or, to unlock, the signed-in person's password only.

    Signals:
        signed_in: emitted with the ``SignedIn`` before the dialog is accepted.
    """

    signed_in = Signal(object)

    def __init__(
        self,
        repo: Repository,
        workstation: str,
        clock: Clock,
        *,
        login: str = "",
        unlock_for: Actor | None = None,
        policy: SignInPolicy | None = None,
        message: str = "",
        record_behind: Callable[[Callable[[], None]], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        # The start's sign-in: a right password (or the computer's login) lets the clinic
        # show at once, and its write is handed here to run behind it (it waits for the
        # start's check of the whole file: seconds on a long history).
        self._record_behind = record_behind
        self._repo = repo
        self._workstation = workstation
        self._clock = clock
        self._login = login
        self._unlock_for = unlock_for
        self._policy = policy or SignInPolicy()
        self.setWindowTitle(
            self.tr("Transplant Planner - locked")
            if unlock_for is not None
            else self.tr("Sign in to Transplant Planner")
        )
        self.setModal(True)
        self.setMinimumWidth(440)
        self.name = QLineEdit(unlock_for.user if unlock_for is not None else login)
        self.name.setAccessibleName(self.tr("Account name"))
        self.name.setMaxLength(64)
        self.name.setReadOnly(unlock_for is not None)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Password"))
        self.password.setMaxLength(256)
        self.message = QLabel(message)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAccessibleName(self.tr("Sign-in message"))
        form = QFormLayout()
        form.addRow(self.tr("&Name:"), self.name)
        form.addRow(self.tr("&Password:"), self.password)
        intro = QLabel(
            self.tr(
                "Patient data is hidden. {user} ({role}) signed in; enter the password to continue."
            ).format(user=unlock_for.user, role=role_name(unlock_for.role))
            if unlock_for is not None
            else self.tr("This clinic database has accounts: sign in to open it.")
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons = QDialogButtonBox()
        self.submit = self.buttons.addButton(
            self.tr("&Unlock") if unlock_for is not None else self.tr("&Sign in"),
            QDialogButtonBox.ButtonRole.AcceptRole,
        )
        self.submit.setDefault(True)
        self.login_button: QPushButton | None = None
        if self._policy.method is SignInMethod.OS_ACCOUNT and login:
            self.login_button = self.buttons.addButton(
                self.tr("Continue as &computer login {login}").format(login=login),
                QDialogButtonBox.ButtonRole.ActionRole,
            )
            self.login_button.clicked.connect(self._with_login)
        self.quit_button = self.buttons.addButton(
            self.tr("&Close the app"), QDialogButtonBox.ButtonRole.RejectRole
        )
        # Enter must never mean "close the app": only Sign in is a default button, also
        # after it was disabled for a check (Qt then passes "default" to another button).
        for other in (self.quit_button, self.login_button):
            if other is not None:
                other.setAutoDefault(False)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.submit.setDefault(True)  # now that it is in the dialog
        (self.password if unlock_for is not None or login else self.name).setFocus()
        self._busy = False
        self._resume = QTimer(self)
        self._resume.setSingleShot(True)
        self._resume.timeout.connect(lambda: self._set_busy(False))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.submit, self.password, self.login_button):
            if widget is not None:
                widget.setEnabled(not busy)
        self.name.setEnabled(not busy)
        if not busy:
            self.submit.setDefault(True)
            self.password.setFocus()

    def _submit(self) -> None:
        if self._busy:
            return
        name, password = self.name.text(), self.password.text()
        if not name.strip() or not password:
            self.message.setText(self.tr("Type the account name and the password."))
            return
        repo, ws, now, who = self._repo, self._workstation, self._clock(), self._unlock_for
        # The sign-in's use cases, imported when a sign-in is typed: the idle lock of a
        # start that the computer's login let in is made before its first paint.
        from planner.app.accounts import (
            check_sign_in,
            confirm_password,
            record_password_sign_in,
            sign_in,
        )

        if who is not None:

            def check() -> Checked:
                confirm_password(repo, who, password, now)
                return SignedIn(who, repo.sign_in_policy()), None

        elif self._record_behind is not None:

            def check() -> Checked:
                found = check_sign_in(repo, name, password, ws, now)
                return found.signed, lambda: record_password_sign_in(repo, found, now)

        else:

            def check() -> Checked:
                return sign_in(repo, name, password, ws, now), None

        self._run(check)

    def _with_login(self) -> None:
        if self._busy:
            return
        repo, login, ws, now = self._repo, self._login, self._workstation, self._clock()
        who = self._unlock_for
        behind = self._record_behind is not None and who is None
        from planner.app.accounts import check_login, record_login_sign_in, sign_in_with_login

        def check() -> Checked:
            if behind:
                found = check_login(repo, login, ws)
                return found, lambda: record_login_sign_in(repo, found, now)
            done = sign_in_with_login(repo, login, ws, now)
            if who is not None and done.actor != who:
                raise SignInError(self.tr("Another account is signed in here."))
            return done, None

        self._run(check)

    def _run(self, check: Callable[[], Checked]) -> None:
        self._set_busy(True)
        self.message.setText(self.tr("Checking..."))
        started = time.monotonic()
        run_in_background(check, self._done, lambda exc: self._refused(exc, started))

    def _done(self, checked: Checked) -> None:
        done, write = checked
        self.password.clear()
        self.message.clear()
        self._busy = False
        if write is not None and self._record_behind is not None:
            self._record_behind(write)
        self.signed_in.emit(done)
        self.accept()

    def _refused(self, exc: BaseException, started: float) -> None:
        self.password.clear()
        self.message.setText(user_message(exc))
        wait = exc.wait_s if isinstance(exc, SignInError) else 0.0
        # The wait counts from the try: the half second of the check is part of it.
        left = max(0.0, wait - (time.monotonic() - started))
        self._resume.start(int(left * 1000))


# --- the idle lock ----------------------------------------------------------------------------

_INPUT = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.ShortcutOverride,
        QEvent.Type.Shortcut,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.Wheel,
        QEvent.Type.ContextMenu,
    }
)
_ACTIVITY = _INPUT | {QEvent.Type.MouseMove}
CHECK_MS = 5_000


class _Shroud(QWidget):
    """An opaque cover over one window while the app is locked."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("lockShroud")
        # Painted opaque by paintEvent: a style sheet's background is not painted on a
        # plain QWidget, and the window beneath showed through (seen under X11).
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        label = QLabel(self.tr("Locked: patient data is hidden."), self)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        self.setGeometry(window.rect())
        window.installEventFilter(self)
        self.raise_()
        self.show()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Window))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and isinstance(watched, QWidget):
            self.setGeometry(watched.rect())
            self.raise_()
        return False


class IdleLock(QObject):
    """Locks the app after ``minutes`` without a key press, a click or a mouse move.

    Signals:
        locked: the windows were covered; the owner shows the unlock dialog
            (``allow`` it first).
        unlocked: the covers were taken away.
    """

    locked = Signal()
    unlocked = Signal()

    def __init__(self, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.minutes = minutes
        self._last_input = time.monotonic()
        self._shrouds: list[_Shroud] = []
        self._allowed: QWidget | None = None
        self.is_locked = False
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self._check)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._timer.start()

    def set_minutes(self, minutes: int) -> None:
        """The centre's idle time changed (the sign-in rules)."""
        self.minutes = minutes

    def idle_s(self) -> float:
        """Seconds since the last input."""
        return time.monotonic() - self._last_input

    def _check(self) -> None:
        if not self.is_locked and self.idle_s() >= self.minutes * 60:
            self.lock()

    def lock(self) -> None:
        """Cover every window now (idle, or Lock now)."""
        if self.is_locked:
            return
        self.is_locked = True
        for widget in QApplication.topLevelWidgets():
            if widget.isVisible() and widget is not self._allowed:
                self._shrouds.append(_Shroud(widget))
        self.locked.emit()

    def allow(self, widget: QWidget | None) -> None:
        """Let input reach ``widget``'s window only (the unlock dialog), while locked."""
        self._allowed = widget

    def unlock(self) -> None:
        """Take the covers away (after the unlock dialog's check)."""
        for shroud in self._shrouds:
            parent = shroud.parentWidget()
            if parent is not None:
                parent.removeEventFilter(shroud)
            shroud.deleteLater()
        self._shrouds = []
        self.is_locked = False
        self._allowed = None
        self._last_input = time.monotonic()
        self.unlocked.emit()

    def stop(self) -> None:
        """Stop watching (the app is closing)."""
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in _ACTIVITY:
            return False
        if not self.is_locked:
            self._last_input = time.monotonic()
            return False
        if kind not in _INPUT:
            return False
        allowed = self._allowed
        if allowed is None:
            return True
        # Input reaches the platform window first (a QWindow), then the widget in it.
        if isinstance(watched, QWindow):
            return watched is not allowed.windowHandle()
        return not (isinstance(watched, QWidget) and watched.window() is allowed)


def describe(actor: Actor) -> str:
    """ "nina (nurse)": the status bar's signed-in label."""
    return f"{actor.user} ({role_name(actor.role)})" if actor.role is not None else ""
