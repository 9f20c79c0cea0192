"""Users and personal API tokens: passwords and tokens are stored only as hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .db import utcnow
from .errors import ValidationError
from .models import ROLES, ApiToken, User

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    """A salted scrypt hash in the form `scrypt$salt$digest`."""
    salt = secrets.token_hex(16)
    digest = hashlib.scrypt(password.encode(), salt=salt.encode(), dklen=32, **_SCRYPT).hex()
    return f"scrypt${salt}${digest}"


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check of a password against its stored hash."""
    try:
        scheme, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(password.encode(), salt=salt.encode(), dklen=32, **_SCRYPT).hex()
    return hmac.compare_digest(candidate, digest)


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this username and password, or None. An unknown username costs the same hashing
    as a known one, so the time of the answer does not tell which usernames exist."""
    user = session.scalar(sa.select(User).where(User.username == username))
    matches = verify_password(password, user.password_hash if user is not None else _unknown_user_hash())
    return user if user is not None and user.is_active and matches else None


def create_user(
    session: Session,
    *,
    username: str,
    full_name: str,
    role: str,
    password: str,
    skills: list[str] | None = None,
    languages: list[str] | None = None,
) -> User:
    """Create a login; refuses unknown roles, short passwords and taken usernames."""
    if role not in ROLES:
        raise ValidationError("role", f"must be one of {', '.join(ROLES)}")
    if len(password) < 8:
        raise ValidationError("password", "at least 8 characters")
    if session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise ValidationError("username", "already taken")
    user = User(
        username=username, full_name=full_name, role=role, password_hash=hash_password(password),
        skills=skills or [], languages=languages or [],
    )
    session.add(user)
    session.flush()
    return user


def issue_api_token(session: Session, user: User, name: str) -> str:
    """Create a token for `user` and return its only plaintext copy."""
    token = "cc_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user=user, name=name, token_digest=_digest(token)))
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The active user a presented token belongs to, or None."""
    row = session.scalar(
        sa.select(ApiToken).where(ApiToken.token_digest == _digest(token), ApiToken.revoked_at.is_(None))
    )
    if row is None or not row.user.is_active:
        return None
    row.last_used_at = utcnow()
    return row.user


@cache
def _unknown_user_hash() -> str:
    """A hash no password matches, to check against when the username is unknown."""
    return hash_password(secrets.token_hex(16))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
