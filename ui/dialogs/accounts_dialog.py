"""File > Accounts: who may sign in, with which role, and the sign-in rules.

An administrator's dialog (``Permission.MANAGE_USERS``); on a database without accounts it
offers to add the first one, an administrator's, after which everyone signs in. Each change
is one audited commit (``planner.app.accounts``); a password is hashed in a worker thread
(half a second), with the dialog's buttons waiting meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.app import accounts as acc
from planner.app.context import Context
from planner.domain.accounts import (
    IDLE_LOCK_RANGE,
    Account,
    Role,
    SignInMethod,
    role_name,
)
from planner.errors import PlannerError
from planner.records.ports import Repository
from ui.errors import user_message
from ui.workers import run_in_background


class PasswordFields(QWidget):
    """A new password typed twice."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first = QLineEdit()
        self.again = QLineEdit()
        for edit, name in ((self.first, self.tr("New password")), (self.again, self.tr("Again"))):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setMaxLength(256)
            edit.setAccessibleName(name)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("New pass&word:"), self.first)
        form.addRow(self.tr("A&gain:"), self.again)

    def value(self) -> str:
        """The password, or "" when the two differ (the caller says so)."""
        return self.first.text() if self.first.text() == self.again.text() else ""


class AccountForm(QDialog):
    """Add an account (name, role, password) or set one's password (``name`` given)."""

    def __init__(
        self,
        parent: QWidget | None,
        *,
        name: str = "",
        first: bool = False,
        current: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(name or self.tr("Account"))
        self.name = QLineEdit(name)
        self.name.setReadOnly(bool(name))
        self.name.setMaxLength(64)
        self.name.setAccessibleName(self.tr("Account name"))
        self.role = QComboBox()
        roles = [Role.ADMINISTRATOR] if first else list(Role)
        for role in roles:
            self.role.addItem(role_name(role), role)
        self.current = QLineEdit()
        self.current.setEchoMode(QLineEdit.EchoMode.Password)
        self.current.setAccessibleName(self.tr("Current password"))
        self.passwords = PasswordFields()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        form = QFormLayout()
        form.addRow(self.tr("&Name:"), self.name)
        if not name:
            form.addRow(self.tr("&Role:"), self.role)
        if current:
            form.addRow(self.tr("&Current password:"), self.current)
        layout = QVBoxLayout(self)
        if first:
            intro = QLabel(
                self.tr(
                    "The first account is an administrator's. Once it exists, everyone signs "
                    "in with an account of their own, and each change records who made it."
                )
            )
            intro.setWordWrap(True)
            layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.passwords)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def password(self) -> str | None:
        """The new password, or None after saying that the two differ."""
        value = self.passwords.value()
        if not value:
            self.message.setText(self.tr("The two passwords differ (or are empty)."))
            return None
        return value

    def set_busy(self, busy: bool) -> None:
        """Wait for the hash (half a second) with the buttons off."""
        self.buttons.setEnabled(not busy)
        if busy:
            self.message.setText(self.tr("Saving..."))

    def save_with(
        self, work: Callable[[str], Callable[[], Account]], done: Callable[[Account], None]
    ) -> None:
        """On OK: the new password typed twice, then the save ``work(password)`` returns
        (built on the GUI thread, run in a worker: hashing takes half a second) with the
        buttons off; the form closes and ``done`` gets the account, or the refusal is
        shown in the form with what was typed kept."""

        def ok() -> None:
            password = self.password()
            if password is None:
                return
            save = work(password)
            self.set_busy(True)

            def saved(account: Account) -> None:
                self.accept()
                done(account)

            def refused(exc: BaseException) -> None:
                self.set_busy(False)
                self.message.setText(user_message(exc))

            run_in_background(save, saved, refused)

        self.buttons.accepted.connect(ok)


COLUMNS = 3  # name, role, status


class AccountsDialog(QDialog):
    """The accounts table, its buttons and the sign-in rules.

    Signals:
        first_account_added: the database now has accounts (the window asks for a sign-in).
        policy_changed: the rules were saved (args: the ``SignInPolicy``).
    """

    first_account_added = Signal()
    policy_changed = Signal(object)

    def __init__(
        self,
        repo_of: Callable[[], Repository],
        context: Callable[[], Context],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._repo_of = repo_of
        self._context = context
        self.setWindowTitle(self.tr("Accounts"))
        self.resize(640, 480)
        self.table = QTableWidget(0, COLUMNS)
        self.table.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Role"), self.tr("Status")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setAccessibleName(self.tr("Accounts"))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.add_button = QPushButton(self.tr("&Add..."))
        self.role_combo = QComboBox()
        for role in Role:
            self.role_combo.addItem(role_name(role), role)
        self.role_combo.setAccessibleName(self.tr("Role of the selected account"))
        self.role_button = QPushButton(self.tr("Set &role"))
        self.active_button = QPushButton(self.tr("&Disable"))
        self.password_button = QPushButton(self.tr("Set &password..."))
        self.add_button.clicked.connect(self._add)
        self.role_button.clicked.connect(self._set_role)
        self.active_button.clicked.connect(self._toggle_active)
        self.password_button.clicked.connect(self._reset_password)
        row = QHBoxLayout()
        for widget in (
            self.add_button,
            self.role_combo,
            self.role_button,
            self.active_button,
            self.password_button,
        ):
            row.addWidget(widget)
        row.addStretch(1)
        rules = QGroupBox(self.tr("Sign-in rules"))
        self.method = QComboBox()
        self.method.addItem(self.tr("Name and password"), SignInMethod.PASSWORD)
        self.method.addItem(self.tr("The computer's login"), SignInMethod.OS_ACCOUNT)
        self.idle = QSpinBox()
        self.idle.setRange(*IDLE_LOCK_RANGE)
        self.idle.setSuffix(self.tr(" min"))
        self.rules_button = QPushButton(self.tr("Sa&ve rules"))
        self.rules_button.clicked.connect(self._save_rules)
        form = QFormLayout(rules)
        form.addRow(self.tr("Sign &in with:"), self.method)
        form.addRow(self.tr("&Lock after no input for:"), self.idle)
        form.addRow("", self.rules_button)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAccessibleName(self.tr("Accounts message"))
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(row)
        layout.addWidget(rules)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.accounts: list[Account] = []
        self.reload()

    @property
    def _repo(self) -> Repository:
        return self._repo_of()

    def reload(self) -> None:
        """Read the accounts and the rules again."""
        repo = self._repo
        self.accounts = repo.list_accounts()
        self.table.setRowCount(len(self.accounts))
        for i, a in enumerate(self.accounts):
            status = self.tr("active") if a.active else self.tr("disabled")
            for j, text in enumerate((a.name, role_name(a.role), status)):
                item = QTableWidgetItem(text)
                self.table.setItem(i, j, item)
        policy = repo.sign_in_policy()
        self.method.setCurrentIndex(self.method.findData(policy.method))
        self.idle.setValue(policy.idle_lock_minutes)
        first = not self.accounts
        self.add_button.setText(
            self.tr("&Add the first account...") if first else self.tr("&Add...")
        )
        self.method.setEnabled(not first)
        self.idle.setEnabled(not first)
        self.rules_button.setEnabled(not first)
        self._update_buttons()

    def selected(self) -> Account | None:
        """The account of the selected row."""
        rows = self.table.selectionModel().selectedRows()
        return self.accounts[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        chosen = self.selected()
        for widget in (self.role_combo, self.role_button, self.active_button, self.password_button):
            widget.setEnabled(chosen is not None)
        if chosen is not None:
            self.active_button.setText(
                self.tr("&Enable") if not chosen.active else self.tr("&Disable")
            )
            self.role_combo.setCurrentIndex(self.role_combo.findData(chosen.role))

    def _do(self, what: Callable[[], object], done: str) -> bool:
        try:
            what()
        except PlannerError as exc:
            self.message.setText(user_message(exc))
            return False
        self.message.setText(done)
        self.reload()
        return True

    def _add(self) -> None:
        first = not self.accounts
        form = AccountForm(self, first=first)

        def work(password: str) -> Callable[[], Account]:
            name, role = form.name.text(), Role(form.role.currentData())
            repo, ctx = self._repo, self._context()
            return lambda: acc.add_account(repo, ctx, name, role, password)

        def added(account: Account) -> None:
            self.message.setText(self.tr("Added {name}.").format(name=account.name))
            self.reload()
            if first:
                self.first_account_added.emit()

        form.save_with(work, added)
        form.open()

    def _set_role(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        role = Role(self.role_combo.currentData())
        self._do(
            lambda: acc.set_account_role(self._repo, self._context(), chosen.name, role),
            self.tr("{name} is now {role}; it signs in again to use it.").format(
                name=chosen.name, role=role_name(role)
            ),
        )

    def _toggle_active(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        active = not chosen.active
        self._do(
            lambda: acc.set_account_active(self._repo, self._context(), chosen.name, active),
            (self.tr("{name} is enabled.") if active else self.tr("{name} is disabled.")).format(
                name=chosen.name
            ),
        )

    def _reset_password(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        form = AccountForm(self, name=chosen.name)

        def work(password: str) -> Callable[[], Account]:
            repo, ctx = self._repo, self._context()
            return lambda: acc.reset_password(repo, ctx, chosen.name, password)

        def done(_account: Account) -> None:
            self.message.setText(
                self.tr("The password of {name} was set.").format(name=chosen.name)
            )
            self.reload()

        form.save_with(work, done)
        form.open()

    def _save_rules(self) -> None:
        method = SignInMethod(self.method.currentData())
        minutes = self.idle.value()
        saved: list[object] = []

        def save() -> None:
            saved.append(acc.set_sign_in_policy(self._repo, self._context(), method, minutes))

        if self._do(save, self.tr("The sign-in rules were saved.")):
            self.policy_changed.emit(saved[0])
