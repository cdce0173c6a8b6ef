"""Password hashing (argon2id) and the random tokens behind invitations and API access."""
from __future__ import annotations

import hashlib
import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches. Without a hash (no such account, or no password set yet) it
    verifies against a throwaway hash all the same, so that the answer takes as long either way and
    the time it takes does not tell which email addresses have accounts."""
    try:
        return _hasher.verify(password_hash or _throwaway_hash(_hasher), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _throwaway_hash(hasher: PasswordHasher) -> str:
    """A hash of a random password, with the same cost as real ones (per hasher: tests use a light one)."""
    return hasher.hash(secrets.token_urlsafe(16))


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    return None


def new_token(prefix: str) -> tuple[str, str]:
    """A random token (shown once) and its SHA-256 (stored). High entropy, so a fast hash suffices."""
    token = f"{prefix}_{secrets.token_urlsafe(32)}"
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
