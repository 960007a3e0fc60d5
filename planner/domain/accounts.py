"""Accounts, roles and what each role may do.

A centre that creates accounts turns sign-in on: from then on every action is taken by a
signed-in account with one role, and the role decides which actions it may take
(``ROLE_PERMISSIONS``, one table the app, the command line and the tests read). A
database without accounts works as before, each action attributed to the computer's
login (a single workstation that has not set accounts up).

Least privilege, as the HIPAA Security Rule's access control standard (45 CFR
164.312(a)(1)) and ISO 27799 ask: a viewer reads; clinical records are written by the
roles that keep them; doses are verified by a physician or a pharmacist (the
independent double check of the ASCO/ONS chemotherapy administration safety
standards); accounts, sign-in rules and templates are managed by an administrator, who
does not write clinical records.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from planner.domain.i18n import tr, tr_noop
from planner.errors import SignInError, ValidationError


class Role(StrEnum):
    """One account's role."""

    COORDINATOR = "coordinator"
    NURSE = "nurse"
    PHYSICIAN = "physician"
    PHARMACIST = "pharmacist"
    VIEWER = "viewer"
    ADMINISTRATOR = "administrator"


ROLE_NAMES: Final[Mapping[Role, str]] = {
    Role.COORDINATOR: tr_noop("coordinator"),
    Role.NURSE: tr_noop("nurse"),
    Role.PHYSICIAN: tr_noop("physician"),
    Role.PHARMACIST: tr_noop("pharmacist"),
    Role.VIEWER: tr_noop("viewer"),
    Role.ADMINISTRATOR: tr_noop("administrator"),
}


class Permission(StrEnum):
    """What an action needs. Each use case names one (``planner.app.changes.commit``)."""

    READ = "read"
    """Open records, the board and the audit trail; print and export."""
    EDIT_CLINICAL = "edit clinical records"
    """Patients, transplants, plans, steps, counts, harvests, complications, checklists."""
    IMPORT_LABS = "import lab results"
    GIVE_DOSES = "mark doses given"
    """Record a conditioning dose as given."""
    VERIFY_DOSES = "verify doses"
    """Sign a plan's conditioning doses as independently checked."""
    MANAGE_USERS = "manage accounts"
    """Add, disable and change accounts; the sign-in rules."""
    MANAGE_TEMPLATES = "manage templates"
    """Reserved for editing templates in the app: today they are files in the data
    folder, which the folder's own permissions guard."""


PERMISSION_NAMES: Final[Mapping[Permission, str]] = {
    Permission.READ: tr_noop("read records"),
    Permission.EDIT_CLINICAL: tr_noop("edit clinical records"),
    Permission.IMPORT_LABS: tr_noop("import lab results"),
    Permission.GIVE_DOSES: tr_noop("mark doses given"),
    Permission.VERIFY_DOSES: tr_noop("verify doses"),
    Permission.MANAGE_USERS: tr_noop("manage accounts"),
    Permission.MANAGE_TEMPLATES: tr_noop("manage templates"),
}

_P = Permission
_CLINICAL: Final = frozenset({_P.READ, _P.EDIT_CLINICAL, _P.IMPORT_LABS, _P.GIVE_DOSES})
ROLE_PERMISSIONS: Final[Mapping[Role, frozenset[Permission]]] = {
    Role.VIEWER: frozenset({_P.READ}),
    Role.COORDINATOR: _CLINICAL,
    Role.NURSE: _CLINICAL,
    Role.PHYSICIAN: _CLINICAL | {_P.VERIFY_DOSES},
    # A pharmacist checks and verifies orders; recording care is the ward's.
    Role.PHARMACIST: frozenset({_P.READ, _P.VERIFY_DOSES}),
    Role.ADMINISTRATOR: frozenset({_P.READ, _P.MANAGE_USERS, _P.MANAGE_TEMPLATES}),
}


def permits(role: Role | None, permission: Permission) -> bool:
    """True when ``role`` may take actions that need ``permission``.

    ``None`` is the role of a database without accounts: everything is permitted, as
    before accounts existed (``Actor.role``).
    """
    return role is None or permission in ROLE_PERMISSIONS[role]


def roles_with(permission: Permission) -> list[Role]:
    """The roles that may, in ``Role`` order."""
    return [r for r in Role if permission in ROLE_PERMISSIONS[r]]


class SignInMethod(StrEnum):
    """How people sign in once accounts exist."""

    PASSWORD = "password"
    """A name and a password (hashed with scrypt, ``planner.domain.passwords``)."""
    OS_ACCOUNT = "os"
    """The computer's login: an account with the login's name signs in without a
    password (the centre's directory has checked it); signatures still ask for the
    account's password."""


IDLE_LOCK_RANGE: Final = (1, 240)
"""Minutes of no input before the app hides patient data, at least and at most."""


@dataclass(frozen=True)
class SignInPolicy:
    """The centre's sign-in rules, kept in the database (audited, one per database).

    Attributes:
        method: password or the computer's login.
        idle_lock_minutes: minutes without a key press or a mouse move before the window
            hides patient data until the user signs in again.
        version: the stored version the editor read (0: never stored).
    """

    method: SignInMethod = SignInMethod.PASSWORD
    idle_lock_minutes: int = 10
    version: int = 0

    def __post_init__(self) -> None:
        low, high = IDLE_LOCK_RANGE
        if not low <= self.idle_lock_minutes <= high:
            raise ValidationError(
                "idle_lock_minutes",
                tr("The idle lock must be between {low} and {high} minutes.").format(
                    low=low, high=high
                ),
            )

    def to_dict(self) -> dict[str, object]:
        """The stored form (its version lives apart)."""
        return {"method": self.method.value, "idle_lock_minutes": self.idle_lock_minutes}

    @classmethod
    def from_dict(cls, d: Mapping[str, object], version: int) -> SignInPolicy:
        """The policy from its stored form."""
        minutes = d.get("idle_lock_minutes", 10)
        return cls(
            SignInMethod(str(d.get("method", "password"))),
            int(minutes) if isinstance(minutes, int | str) else 10,
            version,
        )


NAME_PATTERN: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
"""Account names: what logins allow (letters, digits, dot, underscore, at, hyphen),
so that a computer login can be an account name and a name prints plainly in the
audit trail."""


def account_key(name: str) -> str:
    """The key two spellings of one name share ("JSmith" and "jsmith")."""
    return unicodedata.normalize("NFKC", name).casefold()


def check_account_name(name: str) -> str:
    """The name, stripped, if it can be an account's.

    Raises:
        ValidationError: empty, too long or with other characters.
    """
    name = name.strip()
    if not NAME_PATTERN.fullmatch(name):
        raise ValidationError(
            "name",
            tr(
                "An account name is 1 to 64 letters, digits, dots, hyphens, underscores or "
                "at signs, starting with a letter or a digit."
            ),
        )
    return name


MIN_PASSWORD: Final = 10
MAX_PASSWORD: Final = 256


def check_new_password(password: str, name: str) -> None:
    """Refuse a password too short, too long or the account's own name.

    Length over composition rules, as NIST SP 800-63B section 5.1.1.2 advises (at least
    8 characters; we ask 10 for a clinical system); any characters, spaces included.

    Raises:
        ValidationError: naming the rule broken.
    """
    if len(password) < MIN_PASSWORD:
        raise ValidationError(
            "password",
            tr("A password needs at least {n} characters.").format(n=MIN_PASSWORD),
        )
    if len(password) > MAX_PASSWORD:
        raise ValidationError(
            "password",
            tr("A password has at most {n} characters.").format(n=MAX_PASSWORD),
        )
    if account_key(password.strip()) == account_key(name.strip()):
        raise ValidationError("password", tr("A password must not be the account's name."))


@dataclass(frozen=True)
class Account:
    """One person's account.

    Attributes:
        name: the sign-in name as typed when the account was made.
        role: what the person may do.
        active: False once disabled (it cannot sign in; its history stays).
        password_hash: ``planner.domain.passwords`` text ("" when none is set).
        version: the stored version the editor read (0: new).
    """

    name: str
    role: Role
    active: bool = True
    password_hash: str = ""
    version: int = 0

    @property
    def key(self) -> str:
        """``account_key`` of the name."""
        return account_key(self.name)

    def to_dict(self) -> dict[str, object]:
        """The stored form (its version lives apart)."""
        return {
            "name": self.name,
            "role": self.role.value,
            "active": self.active,
            "password_hash": self.password_hash,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, object], version: int) -> Account:
        """The account from its stored form."""
        return cls(
            str(d["name"]),
            Role(str(d["role"])),
            bool(d["active"]),
            str(d.get("password_hash") or ""),
            version,
        )


def role_name(role: Role | None) -> str:
    """The role as shown ("pharmacist"), translated; "" without accounts."""
    return tr(ROLE_NAMES[role]) if role is not None else ""


def permission_name(permission: Permission) -> str:
    """The permission as shown ("verify doses"), translated."""
    return tr(PERMISSION_NAMES[permission])


def refusal(role: Role | None, permission: Permission) -> str:
    """Why ``role`` may not ``permission``, in one sentence naming who may ("" when it
    may): the text of every refusal (``planner.app.changes.require``) and of the tooltip
    of each action a role may not run."""
    if permits(role, permission):
        return ""
    roles = [role_name(r) for r in roles_with(permission)]
    return tr("The {role} role cannot {permission}; ask someone signed in as: {roles}.").format(
        role=role_name(role),
        permission=permission_name(permission),
        roles=", ".join(roles),
    )


def login_account(policy: SignInPolicy, account: Account | None, login: str) -> Account:
    """The account the computer's login ``login`` signs in as (``account``, read by its
    key), where the centre chose that method: the one rule for the desktop's sign-in once
    the database is open and for the start that reads the file before
    (``planner.storage.quick``).

    Raises:
        SignInError: the method is the password, or the login has no active account.
    """
    if policy.method is not SignInMethod.OS_ACCOUNT:
        raise SignInError(tr("This centre signs in with a name and a password."))
    if account is None or not account.active:
        raise SignInError(
            tr(
                "The computer login {login} has no active Transplant Planner account; ask "
                "an administrator."
            ).format(login=login)
        )
    return account
