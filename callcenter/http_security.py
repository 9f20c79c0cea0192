"""Security headers on every response: the console's pages must not be framed, sniffed, leak referrers, or run
any script that is not one of our own files (a name or note that slipped past escaping still cannot execute)."""

from __future__ import annotations

from flask import Flask, Request, Response, current_app
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

# Scripts, styles and images only from our own /static files: the pages have no inline script or style (their
# chart data is an inert application/json block). Socket.IO's websocket is same-origin ('self'). With real
# Twilio the browser softphone (Voice JS SDK) signals over wss://voice-js.*.twilio.com, reports call quality to
# https://eventgw*.twilio.com and fetches its ringtones from https://sdk.twilio.com; its media is WebRTC, which
# CSP does not govern.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self' wss://*.twilio.com https://*.twilio.com",
    "media-src 'self' blob: https://sdk.twilio.com",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
}
# Browsers keep to HTTPS for this long once they saw the platform over HTTPS (a year, the usual minimum).
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


def init_app(app: Flask) -> None:
    """Send the headers on every response; behind TRUSTED_PROXY_COUNT proxies, take the client's address and
    scheme from their X-Forwarded-* headers (and only then: anyone can send those headers)."""
    app.after_request(add_security_headers)
    app.session_interface = CookieSessions()
    proxies = app.config["TRUSTED_PROXY_COUNT"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config["PUBLIC_BASE_URL"].startswith("https://"):
        response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    return response


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, without preparing the cookie's signer for a request that brings no session
    cookie (every Twilio webhook). Flask builds it for every request: 14.7 us against 1.9 us, about 1% of a webhook."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)
