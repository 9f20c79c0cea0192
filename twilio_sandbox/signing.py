"""X-Twilio-Signature: how Twilio proves to a webhook that a request came from it."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable


def compute_signature(auth_token: str, url: str, params: Iterable[tuple[str, str]] = ()) -> str:
    """Sign ``url`` plus every POST parameter (names sorted, each distinct value sorted) with
    HMAC-SHA1 keyed by the account's auth token, base64-encoded, exactly as Twilio does."""
    values_by_name: dict[str, set[str]] = {}
    for name, value in params:
        values_by_name.setdefault(name, set()).add(value)
    payload = url + "".join(name + value for name in sorted(values_by_name) for value in sorted(values_by_name[name]))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()
