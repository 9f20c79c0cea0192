"""A twilio HTTP client that sends the real library's requests to another host (the local sandbox)."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from twilio.http.http_client import TwilioHttpClient


class RedirectingHttpClient(TwilioHttpClient):
    """Rewrite scheme and host of every Twilio API URL to `base_url`, whatever edge or region is set."""

    def __init__(self, base_url: str, **kwargs):
        super().__init__(**kwargs)
        parts = urlsplit(base_url)
        self._scheme, self._netloc = parts.scheme, parts.netloc

    def request(self, method, url, *args, **kwargs):
        parts = urlsplit(url)
        return super().request(method, urlunsplit((self._scheme, self._netloc, parts.path, parts.query, "")),
                               *args, **kwargs)
