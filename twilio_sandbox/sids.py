"""Twilio-shaped resource identifiers."""

import secrets


def new_sid(prefix: str) -> str:
    """Return a fresh SID: a two-letter type prefix and 32 hex digits, as Twilio mints them."""
    return prefix + secrets.token_hex(16)
