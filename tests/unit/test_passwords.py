"""Password hashes: scrypt with stored parameters, constant-time checks, refused junk."""

from __future__ import annotations

import pytest

from planner.domain import passwords as pw


def test_the_default_cost_is_owasps_scrypt_minimum() -> None:
    # OWASP Password Storage Cheat Sheet: N=2^17, r=8, p=1 (128 MiB per guess).
    assert pw.Cost(17, 8, 1) == pw.DEFAULT_COST
    assert pw.DEFAULT_COST.memory == 128 * 2**20


def test_a_default_cost_hash_verifies() -> None:
    stored = pw.hash_password("correct horse battery", pw.DEFAULT_COST)
    assert stored.startswith("scrypt$17$8$1$")
    assert pw.verify_password("correct horse battery", stored)
    assert not pw.verify_password("correct horse batterY", stored)


def test_each_hash_has_its_own_salt() -> None:
    a, b = pw.hash_password("same password 1"), pw.hash_password("same password 1")
    assert a != b
    assert pw.verify_password("same password 1", a) and pw.verify_password("same password 1", b)


@pytest.mark.parametrize(
    "stored",
    ["", "plain", "scrypt$10$8$1$!!$!!", "scrypt$40$8$1$AAAA$AAAA", "bcrypt$x$y$z$a$b"],
)
def test_unreadable_or_greedy_hashes_never_verify(stored: str) -> None:
    assert not pw.verify_password("anything at all", stored)


def test_a_hash_made_with_other_parameters_needs_rehash() -> None:
    old = pw.hash_password("rehash me please", pw.Cost(11, 8, 1))
    assert pw.verify_password("rehash me please", old)
    assert pw.needs_rehash(old)
    assert not pw.needs_rehash(pw.hash_password("rehash me please"))
