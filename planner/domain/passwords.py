"""Password hashes: scrypt from the standard library, parameters stored with each hash.

scrypt is memory-hard (Percival 2009; RFC 7914): each guess costs 128 * N * r bytes of
memory, which makes guessing on graphics cards and custom hardware expensive. The
default is the OWASP Password Storage Cheat Sheet's minimum for scrypt: N = 2^17,
r = 8, p = 1 (128 MiB, about half a second on the clinic's two-core machines). A hash
keeps its parameters, so raising them later re-hashes each password at its next sign-in
(``needs_rehash``) and older hashes still verify.

The text form: ``scrypt$<log2 N>$<r>$<p>$<salt, base64>$<key, base64>``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Final

PREFIX: Final = "scrypt"
SALT_BYTES: Final = 16
KEY_BYTES: Final = 32


@dataclass(frozen=True)
class Cost:
    """scrypt's work factors: N = 2 ** ``log2_n``, block size ``r``, parallelism ``p``."""

    log2_n: int = 17
    r: int = 8
    p: int = 1

    @property
    def memory(self) -> int:
        """Bytes one hash needs (128 * N * r * p, as OpenSSL counts its limit)."""
        return int(128 * (1 << self.log2_n) * self.r * self.p)


DEFAULT_COST: Final = Cost()
# Hashes whose stored parameters ask more than this are refused rather than computed: a
# tampered row must not make a sign-in allocate gigabytes.
MAX_LOG2_N: Final = 20


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _derive(password: str, salt: bytes, cost: Cost) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=2**cost.log2_n,
        r=cost.r,
        p=cost.p,
        maxmem=cost.memory + 2**20,
        dklen=KEY_BYTES,
    )


def hash_password(password: str, cost: Cost | None = None) -> str:
    """The stored text of a new hash of ``password`` with a fresh random salt."""
    cost = cost or current_cost()
    salt = secrets.token_bytes(SALT_BYTES)
    key = _derive(password, salt, cost)
    return "$".join((PREFIX, str(cost.log2_n), str(cost.r), str(cost.p), _b64(salt), _b64(key)))


def _parse(stored: str) -> tuple[Cost, bytes, bytes] | None:
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != PREFIX:
        return None
    try:
        cost = Cost(int(parts[1]), int(parts[2]), int(parts[3]))
        salt = base64.b64decode(parts[4], validate=True)
        key = base64.b64decode(parts[5], validate=True)
    except ValueError:
        return None
    if not (1 <= cost.log2_n <= MAX_LOG2_N and 1 <= cost.r <= 32 and 1 <= cost.p <= 16):
        return None
    return cost, salt, key


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` is the one ``stored`` was made from; False for a wrong
    password, an empty or unreadable hash. Compared in constant time."""
    parsed = _parse(stored)
    if parsed is None:
        return False
    cost, salt, key = parsed
    return hmac.compare_digest(_derive(password, salt, cost), key)


def needs_rehash(stored: str) -> bool:
    """True when ``stored`` was made with other parameters than today's."""
    parsed = _parse(stored)
    return parsed is None or parsed[0] != current_cost()


# What a sign-in with an unknown name verifies against, so that it takes as long as a
# known name's: the time must not tell which names exist.
_decoy: dict[Cost, str] = {}


def spend_like_a_check(password: str) -> None:
    """Do the work of one ``verify_password`` and forget the result."""
    cost = current_cost()
    if cost not in _decoy:
        _decoy[cost] = hash_password(secrets.token_hex(8), cost)
    verify_password(password, _decoy[cost])


_cost: list[Cost] = [DEFAULT_COST]


def current_cost() -> Cost:
    """The parameters new hashes are made with."""
    return _cost[0]


def set_cost(cost: Cost) -> None:
    """Change the parameters of new hashes (the test suite's lighter ones: a suite that
    makes hundreds of accounts must not spend 128 MiB and half a second on each)."""
    _cost[0] = cost
