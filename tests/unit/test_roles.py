"""The role table: what each role may do, as the issue states it."""

from __future__ import annotations

import pytest

from planner.domain.accounts import (
    ROLE_PERMISSIONS,
    Permission,
    Role,
    SignInPolicy,
    account_key,
    check_account_name,
    check_new_password,
    permits,
    roles_with,
)
from planner.errors import ValidationError

P = Permission
# Every role x every permission, written out: a change to the table must change this.
EXPECTED: dict[Role, set[Permission]] = {
    Role.VIEWER: {P.READ},
    Role.COORDINATOR: {P.READ, P.EDIT_CLINICAL, P.IMPORT_LABS, P.GIVE_DOSES},
    Role.NURSE: {P.READ, P.EDIT_CLINICAL, P.IMPORT_LABS, P.GIVE_DOSES},
    Role.PHYSICIAN: {P.READ, P.EDIT_CLINICAL, P.IMPORT_LABS, P.GIVE_DOSES, P.VERIFY_DOSES},
    Role.PHARMACIST: {P.READ, P.VERIFY_DOSES},
    Role.ADMINISTRATOR: {P.READ, P.MANAGE_USERS, P.MANAGE_TEMPLATES},
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("permission", list(Permission))
def test_each_role_has_exactly_its_permissions(role: Role, permission: Permission) -> None:
    assert permits(role, permission) == (permission in EXPECTED[role])
    assert (permission in ROLE_PERMISSIONS[role]) == (permission in EXPECTED[role])


def test_the_issues_rules() -> None:
    assert roles_with(P.VERIFY_DOSES) == [Role.PHYSICIAN, Role.PHARMACIST]
    assert roles_with(P.MANAGE_USERS) == [Role.ADMINISTRATOR]
    assert roles_with(P.MANAGE_TEMPLATES) == [Role.ADMINISTRATOR]
    assert all(permits(r, P.READ) for r in Role)


@pytest.mark.parametrize("permission", list(Permission))
def test_without_accounts_everything_is_permitted(permission: Permission) -> None:
    assert permits(None, permission)


@pytest.mark.parametrize("name", ["jdoe", "J.Doe", "ana-maria_2", "nurse@ward7", "A" * 64])
def test_account_names_like_logins_are_accepted(name: str) -> None:
    assert check_account_name(f" {name} ") == name


@pytest.mark.parametrize("name", ["", " ", ".hidden", "a b", "x" * 65, "robert');--", "zoë"])
def test_other_account_names_are_refused(name: str) -> None:
    with pytest.raises(ValidationError, match="account name"):
        check_account_name(name)


def test_names_differing_in_case_are_one_account() -> None:
    assert account_key("JDoe") == account_key("jdoe")


@pytest.mark.parametrize(
    ("password", "rule"),
    [("short one", "at least 10"), ("x" * 257, "at most 256"), ("JDOE.Smith", "name")],
)
def test_weak_passwords_are_refused_naming_the_rule(password: str, rule: str) -> None:
    with pytest.raises(ValidationError, match=rule):
        check_new_password(password, "jdoe.smith")


def test_any_long_enough_password_is_accepted() -> None:
    check_new_password("a long passphrase with spaces", "jdoe")


@pytest.mark.parametrize("minutes", [0, 241, -5])
def test_the_idle_lock_stays_in_range(minutes: int) -> None:
    with pytest.raises(ValidationError, match="between 1 and 240"):
        SignInPolicy(idle_lock_minutes=minutes)
