"""``transplant-planner users``: accounts from the command line (an administrator's).

The first account of a database is added without signing in (there is no one to sign in
as) and must be an administrator's; after that every ``users`` command acts as the
account ``--user`` names, and anything but ``list`` and ``rules`` without options needs
the administrator's role (``planner.domain.accounts``).
"""

from __future__ import annotations

import argparse
import json

from planner.app import accounts as acc
from planner.app.changes import require, require_recorded
from planner.cli.parser import UserError
from planner.cli.shell import NEW_PASSWORD_ENV, Shell
from planner.domain.accounts import Permission, Role, SignInMethod, SignInPolicy
from planner.records.ports import Repository


def run_users(args: argparse.Namespace, shell: Shell) -> str:
    """The command's output: one sentence, a table, or JSON."""
    repo = shell.open_repository(args, existing=args.users_command != "add")
    try:
        return _dispatch(repo, args, shell)
    finally:
        repo.close()


def _new_password(shell: Shell, name: str) -> str:
    first = shell.password(f"New password for {name}: ", NEW_PASSWORD_ENV)
    import os

    if not os.environ.get(NEW_PASSWORD_ENV):  # typed: typed twice
        again = shell.password("The same password again: ", NEW_PASSWORD_ENV)
        if again != first:
            raise UserError("The two passwords differ; nothing was changed.")
    return first


def _dispatch(repo: Repository, args: argparse.Namespace, shell: Shell) -> str:
    verb = args.users_command
    if verb == "list":
        require(shell.actor, Permission.READ)
        return _listing(repo, bool(args.json))
    if verb == "rules":
        return _rules(repo, args, shell)
    ctx = shell.context()
    if verb == "add":
        if repo.accounts_in_use():  # refused before a password is asked
            require_recorded(repo, ctx, Permission.MANAGE_USERS, "Add account")
        made = acc.add_account(
            repo, ctx, args.name, Role(args.role), _new_password(shell, args.name)
        )
        return f"Added {made.name} ({made.role.value})."
    require_recorded(repo, ctx, Permission.MANAGE_USERS, f"Change account {args.name}")
    if verb in ("disable", "enable"):
        done = acc.set_account_active(repo, ctx, args.name, verb == "enable")
        return f"{done.name} is {'enabled' if done.active else 'disabled'}."
    if verb == "role":
        done = acc.set_account_role(repo, ctx, args.name, Role(args.role))
        return f"{done.name} is now {done.role.value}."
    done = acc.reset_password(repo, ctx, args.name, _new_password(shell, args.name))
    return f"The password of {done.name} was set."


def _listing(repo: Repository, as_json: bool) -> str:
    rows = [
        {"name": a.name, "role": a.role.value, "active": a.active} for a in repo.list_accounts()
    ]
    if as_json:
        return json.dumps(rows, ensure_ascii=False, indent=2)
    if not rows:
        return "No accounts: anyone who can open the database acts as their computer login."
    return "\n".join(
        f"{r['name']:<24} {r['role']:<14} {'active' if r['active'] else 'disabled'}" for r in rows
    )


def _rules(repo: Repository, args: argparse.Namespace, shell: Shell) -> str:
    policy = repo.sign_in_policy()
    if args.sign_in is not None or args.idle_lock is not None:
        try:
            minutes = (
                int(args.idle_lock) if args.idle_lock is not None else policy.idle_lock_minutes
            )
        except ValueError:
            raise UserError(
                f"--idle-lock '{args.idle_lock}' is not a whole number of minutes."
            ) from None
        method = SignInMethod(args.sign_in) if args.sign_in else policy.method
        policy = acc.set_sign_in_policy(repo, shell.context(), method, minutes)
    return _describe(policy)


def _describe(policy: SignInPolicy) -> str:
    how = (
        "a name and a password"
        if policy.method is SignInMethod.PASSWORD
        else "the computer's login"
    )
    return (
        f"Sign-in: {how}; the window locks after {policy.idle_lock_minutes} minutes without input."
    )
