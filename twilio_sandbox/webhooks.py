"""Signed HTTP requests from the sandbox to the application's webhooks."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import parse_qs, urldefrag, urlencode

import requests
from urllib3.exceptions import NameResolutionError

from .signing import compute_signature

log = logging.getLogger(__name__)

USER_AGENT = "TwilioProxy/1.1"

# Twilio's error codes for webhook failures.
HTTP_RETRIEVAL_FAILURE = 11200
HTTP_CONNECTION_FAILURE = 11205
HTTP_BAD_HOST_NAME = 11210


@dataclass(frozen=True)
class WebhookResponse:
    """What came back from a webhook, or why nothing usable did."""

    url: str
    method: str
    status_code: int | None = None
    content_type: str = ""
    body: bytes = b""
    error_code: int | None = None
    error_message: str | None = None

    @property
    def ok(self) -> bool:
        """Return whether the webhook answered with a 2xx status."""
        return self.error_code is None


def send(url: str, method: str, params: list[tuple[str, str]], auth_token: str, timeout: float) -> WebhookResponse:
    """Request a webhook as Twilio does: form-encoded POST (or GET with the parameters in the
    query string), signed with X-Twilio-Signature, within ``timeout`` real seconds unless the
    URL's fragment overrides it (#ct=, #rt=, #tt= in milliseconds)."""
    url, fragment = urldefrag(url)
    connect_timeout, read_timeout = _timeouts(fragment, timeout)
    method = method.upper()
    body: list[tuple[str, str]] | None = params
    if method == "GET":
        url = url + ("&" if "?" in url else "?") + urlencode(params) if params else url
        body = None
    headers = {
        "X-Twilio-Signature": compute_signature(auth_token, url, body or ()),
        "User-Agent": USER_AGENT,
        "Accept": "*/*",
    }
    try:
        response = requests.request(
            method, url, data=body, headers=headers, timeout=(connect_timeout, read_timeout), allow_redirects=True
        )
    except requests.Timeout:
        return WebhookResponse(url, method, error_code=HTTP_CONNECTION_FAILURE, error_message="Request timed out")
    except requests.ConnectionError as exc:
        code = HTTP_BAD_HOST_NAME if _is_name_resolution_failure(exc) else HTTP_CONNECTION_FAILURE
        return WebhookResponse(url, method, error_code=code, error_message=f"Connection failed: {exc}")
    except requests.RequestException as exc:
        log.warning("webhook %s %s failed: %s", method, url, exc)
        return WebhookResponse(url, method, error_code=HTTP_CONNECTION_FAILURE, error_message=str(exc))
    result = WebhookResponse(
        url, method, response.status_code, response.headers.get("Content-Type", ""), response.content
    )
    if not 200 <= response.status_code < 300:
        return WebhookResponse(
            url,
            method,
            response.status_code,
            result.content_type,
            result.body,
            HTTP_RETRIEVAL_FAILURE,
            f"HTTP {response.status_code} from {url}",
        )
    return result


def _is_name_resolution_failure(exc: requests.ConnectionError) -> bool:
    """Return whether the host name did not resolve (11210) rather than refuse (11205)."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NameResolutionError)


def _timeouts(fragment: str, default: float) -> tuple[float, float]:
    """Return (connect, read) timeouts in seconds from Twilio's URL fragment overrides."""
    overrides = {key: float(values[0]) / 1000 for key, values in parse_qs(fragment).items() if values[0].isdigit()}
    total = overrides.get("tt", default)
    return min(overrides.get("ct", total), total), min(overrides.get("rt", total), total)
