"""Accounts and sign-in: the use cases behind the Accounts dialog, the sign-in and lock
screens and ``transplant-planner users``.

Accounts are written through the one commit path like any record (audited, versioned,
checked by ``check``); the store refuses a commit by an actor who is no longer an active
account of the role they signed in with (``planner.storage._common.check_actor``).

Sign-in failures: every failure costs the caller ``FAILURE_DELAY_S`` before the next try,
and after ``FREE_TRIES`` failures in a row with one name, tries with that name are paused,
for 30 s and then twice as long after each further failure (at most 15 minutes), on every
workstation (the count is stored). The pause applies to names that have no account too,
and the message never says whether the name or the password was wrong (OWASP
Authentication Cheat Sheet, "Authentication and Error Messages"; NIST SP 800-63B
section 5.2.2, rate limiting).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from typing import Final

from planner.app.changes import require_recorded
from planner.app.context import Context
from planner.app.context import SignedIn as SignedIn
from planner.domain.accounts import (
    Account,
    Permission,
    Role,
    SignInMethod,
    SignInPolicy,
    check_account_name,
    check_new_password,
    login_account,
    role_name,
)
from planner.domain.i18n import tr, tr_noop
from planner.domain.passwords import (
    hash_password,
    needs_rehash,
    spend_like_a_check,
    verify_password,
)
from planner.errors import PermissionDeniedError, PlannerError, SignInError, ValidationError
from planner.records.ports import Action, Actor, Repository, SignInFailures

FREE_TRIES: Final = 5
FIRST_PAUSE_S: Final = 30
MAX_PAUSE_S: Final = 15 * 60
FAILURE_DELAY_S: Final = 1.0


# --- managing accounts --------------------------------------------------------------------------


def _manage(repo: Repository, ctx: Context) -> None:
    """Account management needs an administrator, except the first account of a database
    (which must be an administrator's: the store refuses anything else)."""
    if repo.accounts_in_use():
        require_recorded(repo, ctx, Permission.MANAGE_USERS, "Manage accounts")


def _save(repo: Repository, ctx: Context, description: str, account: Account) -> Account:
    done = repo.commit(
        Action(actor=ctx.actor, at=ctx.now, description=description, accounts=(account,))
    )
    return done.accounts[0]


def add_account(repo: Repository, ctx: Context, name: str, role: Role, password: str) -> Account:
    """Add an account; the first one of a database must be an administrator's.

    Raises:
        PermissionDeniedError: the actor is not an administrator (or the first account is
            not one).
        ValidationError: a bad name or password, or a name already taken (case aside).
    """
    _manage(repo, ctx)
    name = check_account_name(name)
    check_new_password(password, name)
    if repo.get_account(name) is not None:
        raise ValidationError(
            "name", tr("There is already an account named {name}.").format(name=name)
        )
    account = Account(name, Role(role), True, hash_password(password))
    return _save(repo, ctx, "Add account", account)


def _existing(repo: Repository, name: str) -> Account:
    found = repo.get_account(name.strip())
    if found is None:
        raise ValidationError("name", tr("There is no account named {name}.").format(name=name))
    return found


def set_account_active(repo: Repository, ctx: Context, name: str, active: bool) -> Account:
    """Disable an account (it can no longer sign in or commit; its history stays) or
    enable it again.

    Raises:
        PermissionDeniedError: not an administrator; or the last active administrator.
        ValidationError: no such account, or one's own account.
    """
    _manage(repo, ctx)
    account = _existing(repo, name)
    if not active and account.key == Account(ctx.actor.user, Role.VIEWER).key:
        raise ValidationError("name", tr("You cannot disable the account you are signed in with."))
    description = "Enable account" if active else "Disable account"
    return _save(repo, ctx, description, replace(account, active=active))


def set_account_role(repo: Repository, ctx: Context, name: str, role: Role) -> Account:
    """Give an account another role (it signs in again to use it).

    Raises:
        PermissionDeniedError: not an administrator; or the last active administrator.
        ValidationError: no such account.
    """
    _manage(repo, ctx)
    account = _existing(repo, name)
    return _save(repo, ctx, "Change account role", replace(account, role=Role(role)))


def reset_password(repo: Repository, ctx: Context, name: str, password: str) -> Account:
    """Set an account's password (an administrator, for someone who forgot theirs).

    Raises:
        PermissionDeniedError: not an administrator.
        ValidationError: no such account, or a bad password.
    """
    _manage(repo, ctx)
    account = _existing(repo, name)
    check_new_password(password, account.name)
    return _save(
        repo, ctx, "Reset password", replace(account, password_hash=hash_password(password))
    )


def change_own_password(repo: Repository, ctx: Context, current: str, new: str) -> Account:
    """The signed-in person changes their password, confirming the current one.

    Raises:
        SignInError: the current password is not right (counts as a failed sign-in).
        ValidationError: a bad new password.
    """
    account = confirm_password(repo, ctx.actor, current, ctx.now)
    check_new_password(new, account.name)
    return _save(repo, ctx, "Change password", replace(account, password_hash=hash_password(new)))


def set_sign_in_policy(
    repo: Repository, ctx: Context, method: SignInMethod, idle_lock_minutes: int
) -> SignInPolicy:
    """Store the centre's sign-in rules.

    Raises:
        PermissionDeniedError: not an administrator (or no accounts yet: the rules
            govern accounts, so the first one comes first).
        ValidationError: minutes out of range.
    """
    if not repo.accounts_in_use():
        raise PermissionDeniedError(
            tr("Add the first account (an administrator) before setting the sign-in rules.")
        )
    require_recorded(repo, ctx, Permission.MANAGE_USERS, "Change sign-in rules")
    stored = repo.sign_in_policy()
    policy = SignInPolicy(SignInMethod(method), idle_lock_minutes, stored.version)
    done = repo.commit(
        Action(actor=ctx.actor, at=ctx.now, description="Change sign-in rules", policy=policy)
    )
    assert done.policy is not None
    return done.policy


# --- signing in ----------------------------------------------------------------------------------


FAILED = tr_noop("Sign-in failed: the name or the password is not right.")


def _pause_s(failures: int) -> float:
    if failures < FREE_TRIES:
        return 0.0
    return float(min(MAX_PAUSE_S, FIRST_PAUSE_S * 2 ** (failures - FREE_TRIES)))


def _refuse_paused(repo: Repository, name: str, now: dt.datetime) -> None:
    failures = repo.sign_in_failures(name)
    if failures.paused_until is not None and failures.paused_until > now:
        left = (failures.paused_until - now).total_seconds()
        raise SignInError(
            tr(
                "Sign-in with this name is paused after repeated failures; try again in "
                "{seconds} seconds."
            ).format(seconds=math.ceil(left)),
            left,
        )


def _wait_to_write(repo: Repository) -> None:
    """A sign-in writes (its audit row, the failure count), and an SQLite file's writes
    wait for the check the start runs beside the sign-in screen: wait for it here, in the
    sign-in's worker, rather than keep the screen back until the whole file is read.

    Raises:
        StorageError: the file is damaged.
    """
    repo.check_file()


def _failed(
    repo: Repository, name: str, account: Account | None, workstation: str, now: dt.datetime
) -> SignInError:
    _wait_to_write(repo)
    count = repo.sign_in_failures(name).count + 1
    pause = _pause_s(count)
    until = now + dt.timedelta(seconds=pause) if pause else None
    repo.set_sign_in_failures(name, SignInFailures(count, until))
    if account is not None and account.active:
        # Audited under the account it concerns: repeated failures against one person's
        # account are what a security review looks for.
        event = "Sign-in failed" if not pause else "Sign-in failed; further tries paused"
        repo.commit(
            Action(
                actor=Actor(account.name, workstation, account.role),
                at=now,
                description="Sign in",
                event=event,
            )
        )
    message = tr(FAILED)
    if pause:
        message += " " + tr(
            "Further tries with this name are paused for {seconds} seconds."
        ).format(seconds=int(pause))
    return SignInError(message, max(pause, FAILURE_DELAY_S))


@dataclass(frozen=True)
class PasswordSignIn:
    """A name and password found right, not yet recorded (``record_password_sign_in``).

    Attributes:
        signed: who signed in, with the rules in force.
        account: the account as the check read it.
        new_hash: the password hashed again with today's parameters, where the stored
            hash used weaker ones (never the password itself: it is not kept).
    """

    signed: SignedIn
    account: Account
    new_hash: str | None = None


def check_sign_in(
    repo: Repository, name: str, password: str, workstation: str, now: dt.datetime
) -> PasswordSignIn:
    """Check a name and password, reading only when they are right: the desktop shows the
    clinic at once and records the sign-in behind it (``record_password_sign_in``), since
    that write waits for the start's check of the whole file (17 s on a cold file of
    10,000 archived transplants). A failure is counted and recorded at once, as before
    any next try.

    Raises:
        SignInError: wrong name or password (never saying which), a disabled account,
            or tries paused after repeated failures; ``wait_s`` says how long to wait.
    """
    name = name.strip()
    _refuse_paused(repo, name, now)
    account = repo.get_account(name) if name else None
    if account is None or not account.password_hash:
        spend_like_a_check(password)  # as long as a real check: the time tells nothing
        raise _failed(repo, name, None, workstation, now)
    if not verify_password(password, account.password_hash) or not account.active:
        raise _failed(repo, name, account, workstation, now)
    # Parameters raised since this hash was made: hash again while the password is here.
    new_hash = hash_password(password) if needs_rehash(account.password_hash) else None
    actor = Actor(account.name, workstation, account.role)
    return PasswordSignIn(SignedIn(actor, repo.sign_in_policy()), account, new_hash)


def record_password_sign_in(repo: Repository, checked: PasswordSignIn, now: dt.datetime) -> None:
    """Record a password's sign-in checked at ``now``: its audit row, its name's failures
    forgotten, and the renewed hash stored if the account's hash is still the one checked.
    Waits for the start's file check (``_wait_to_write``).

    Raises:
        StorageError: the database cannot be written (a damaged file among the reasons).
    """
    actor = checked.signed.actor
    _record_sign_in(repo, actor, now, "Signed in")
    if checked.new_hash is None:
        return
    current = repo.get_account(actor.user)
    if current is None or current.password_hash != checked.account.password_hash:
        return  # the password was changed meanwhile: that hash is newer than this one
    try:
        _save(
            repo,
            Context(actor, now),
            "Update password hash",
            replace(current, password_hash=checked.new_hash),
        )
    except PlannerError:
        # The renewal is a courtesy (the next sign-in tries again): its failure, say a
        # change of the account meanwhile, must not read as a sign-in left unrecorded.
        return


def sign_in(
    repo: Repository, name: str, password: str, workstation: str, now: dt.datetime
) -> SignedIn:
    """Check a name and password and sign in, recorded before it returns
    (``check_sign_in``, then ``record_password_sign_in``).

    Raises:
        SignInError: wrong name or password (never saying which), a disabled account,
            or tries paused after repeated failures; ``wait_s`` says how long to wait.
    """
    checked = check_sign_in(repo, name, password, workstation, now)
    record_password_sign_in(repo, checked, now)
    return checked.signed


def sign_in_with_login(
    repo: Repository, login: str, workstation: str, now: dt.datetime
) -> SignedIn:
    """Sign in as the computer's login, where the centre chose that method, and record it
    (``check_login``, then ``record_login_sign_in``).

    Raises:
        SignInError: the method is the password, or the login has no active account.
    """
    signed = check_login(repo, login, workstation)
    record_login_sign_in(repo, signed, now)
    return signed


def check_login(repo: Repository, login: str, workstation: str) -> SignedIn:
    """Who the computer's login signs in as, where the centre chose that method: reads
    only. The desktop shows the clinic at once and records the sign-in behind it
    (``record_login_sign_in``), since that write waits for the start's check of the whole
    file, seconds on a long history that no typing hides.

    Raises:
        SignInError: the method is the password, or the login has no active account.
    """
    policy = repo.sign_in_policy()
    account = login_account(policy, repo.get_account(login), login)
    return SignedIn(Actor(account.name, workstation, account.role), policy)


def record_login_sign_in(repo: Repository, signed: SignedIn, now: dt.datetime) -> None:
    """Record a computer-login sign-in at ``now``: its audit row, and its name's failures
    forgotten. Waits for the start's file check (``_wait_to_write``).

    Raises:
        StorageError: the database cannot be written (a damaged file among the reasons).
    """
    _record_sign_in(repo, signed.actor, now, _BY_LOGIN)


_BY_LOGIN = "Signed in with the computer login"


def _record_sign_in(repo: Repository, actor: Actor, now: dt.datetime, how: str) -> None:
    """A sign-in's audit row, its name's failures forgotten, once writes are allowed."""
    _wait_to_write(repo)
    repo.set_sign_in_failures(actor.user, None)
    repo.commit(Action(actor=actor, at=now, description="Sign in", event=how))


def confirm_password(repo: Repository, actor: Actor, password: str, now: dt.datetime) -> Account:
    """The signed-in person's own password, asked again (to unlock the window after the
    idle lock, or to change it); failures count as failed sign-ins.

    Raises:
        SignInError: wrong password, disabled account, or tries paused.
    """
    _refuse_paused(repo, actor.user, now)
    account = repo.get_account(actor.user)
    if account is None or not account.password_hash:
        spend_like_a_check(password)
        raise _failed(repo, actor.user, None, actor.workstation, now)
    if not verify_password(password, account.password_hash) or not account.active:
        raise _failed(repo, actor.user, account, actor.workstation, now)
    repo.set_sign_in_failures(account.name, None)
    if account.role != actor.role:
        raise SignInError(
            tr("The account's role is now {role}: sign in again.").format(
                role=role_name(account.role)
            )
        )
    return account
