"""One configuration, read from the environment; every key is documented beside its default."""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Mapping
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crm_core.phones import is_supported_region, normalize_phone
from crm_core.errors import InvalidPhoneNumber

SANDBOX_ACCOUNT_SID = "AC" + "5a" * 16
SANDBOX_AUTH_TOKEN = "sandbox-auth-token-not-secret"


class ConfigError(Exception):
    """A setting is missing or invalid; the message names it."""

    def __init__(self, key: str, message: str):
        super().__init__(f"configuration error: {key}: {message}")
        self.key = key


@dataclass(frozen=True)
class Config:
    """Settings of one deployment. Unset keys take the embedded-demo defaults."""

    # "development" runs on embedded defaults; "production" requires explicit secrets.
    CALLCENTER_ENV: str = "development"
    # SQLAlchemy URL. Default: a SQLite file in the instance folder.
    DATABASE_URL: str = ""
    # Redis URL for rq, routing state and Socket.IO. Default (empty): an embedded server under the instance folder.
    REDIS_URL: str = ""
    # Signs sessions and CSRF tokens. Default in development: a random key kept in the instance folder.
    SECRET_KEY: str = ""
    # The URL users' browsers (and, unless VOICE_BASE_URL says otherwise, Twilio) use to reach us.
    PUBLIC_BASE_URL: str = "http://127.0.0.1:5000"
    # The URL Twilio (or the sandbox) uses to reach the voice webhooks, served by the `voice` process; webhook
    # signatures are checked against it. Default: PUBLIC_BASE_URL, with a proxy routing /voice/ to that process.
    VOICE_BASE_URL: str = ""
    # ISO region for numbers written without a country code.
    DEFAULT_REGION: str = "RU"
    # Twilio account; the defaults are the local sandbox's demo account.
    TWILIO_ACCOUNT_SID: str = SANDBOX_ACCOUNT_SID
    TWILIO_AUTH_TOKEN: str = SANDBOX_AUTH_TOKEN
    # The token being rotated out: webhook signatures made with it are still accepted (README: rotating the token).
    TWILIO_PREVIOUS_AUTH_TOKEN: str = ""
    # Our inbound number and the caller ID of outbound calls (E.164).
    TWILIO_PHONE_NUMBER: str = "+74950000000"
    # REST API host; the local sandbox by default, https://api.twilio.com for real Twilio.
    TWILIO_API_BASE_URL: str = "http://127.0.0.1:8099"
    # Browser softphone (real Twilio only): API key, secret and TwiML app SID.
    TWILIO_API_KEY: str = ""
    TWILIO_API_SECRET: str = ""
    TWILIO_TWIML_APP_SID: str = ""
    # Socket.IO message queue shared by web processes and workers; default REDIS_URL, "off" for one process.
    SOCKETIO_MESSAGE_QUEUE: str = ""
    # Seconds an agent has to accept an offered call before it goes to the next agent.
    OFFER_TIMEOUT_SECONDS: int = 15
    # Seconds without any open console before an agent is made unavailable.
    AGENT_DISCONNECT_GRACE_SECONDS: int = 30
    # Seconds an agent has to record a call's outcome; then they are made available and the call is flagged.
    WRAP_UP_SECONDS: int = 120
    # Wallboard service level target: this percentage of queued calls answered within WALLBOARD_TARGET_SECONDS.
    WALLBOARD_SERVICE_LEVEL_PERCENT: int = 80
    WALLBOARD_TARGET_SECONDS: int = 20
    # The wallboard alerts when a caller has waited this many seconds in a queue.
    WALLBOARD_LONGEST_WAIT_ALERT_SECONDS: int = 60
    # The wallboard warns when a campaign's abandon rate reaches this percentage (near the usual 3 % limit).
    WALLBOARD_ABANDON_WARNING_PERCENT: float = 2.5
    # Outbound calls per second the Twilio account allows (Twilio queues the excess; the pacer stays under it).
    DIALER_CALLS_PER_SECOND: float = 1.0
    # The rq queue dial jobs go to.
    DIALER_QUEUE: str = "default"
    # Failed logins allowed for one username within LOGIN_FAILURE_WINDOW_SECONDS before it is locked out.
    LOGIN_MAX_FAILURES_PER_USERNAME: int = 5
    # Failed logins allowed from one client address in the window (higher: a whole floor may share one address).
    LOGIN_MAX_FAILURES_PER_ADDRESS: int = 30
    # The window in which failed logins are counted.
    LOGIN_FAILURE_WINDOW_SECONDS: int = 900
    # How long a locked-out username or address is refused, even with the right password.
    LOGIN_LOCKOUT_SECONDS: int = 900
    # The center's time zone (IANA name): where "today" begins on the wallboard and the reports' default zone.
    CENTER_TIMEZONE: str = "UTC"
    # Lets a scraper on another host read /metrics with "Authorization: Bearer <token>"; empty: local clients only.
    METRICS_TOKEN: str = ""
    # Reverse proxies in front of the web processes that set X-Forwarded-For/-Proto/-Host (0: none). The login
    # lockout counts failures per client address: behind a proxy, without this, every agent shares its address.
    TRUSTED_PROXY_COUNT: int = 0
    # Port of the web process (used by `callcenter up`).
    PORT: int = 5000
    # Port of the voice process (the Procfile's `voice` line reads VOICE_PORT; `callcenter up` passes it on).
    VOICE_PORT: int = 5001
    # Port of the local Twilio sandbox (used by `callcenter up` and `callcenter sandbox`).
    SANDBOX_PORT: int = 8099

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> "Config":
        """Read every key from `environ` (default: os.environ), apply overrides, validate."""
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = overrides[f.name] if f.name in overrides else environ.get(f.name)
            if raw is None or raw == "":
                continue
            if f.type in ("int", "float"):
                try:
                    raw = int(raw) if f.type == "int" else float(raw)
                except (TypeError, ValueError):
                    raise ConfigError(f.name, f"must be a number, got {raw!r}") from None
            values[f.name] = raw
        unknown = set(overrides) - {f.name for f in fields(cls)}
        if unknown:
            raise ConfigError(sorted(unknown)[0], "unknown setting")
        config = cls(**values)
        config.validate()
        return config

    def validate(self) -> None:
        """Fail at start, naming the setting, rather than on the first call."""
        if self.CALLCENTER_ENV not in ("development", "production"):
            raise ConfigError("CALLCENTER_ENV", "must be development or production")
        if self.DATABASE_URL and not re.match(r"^(sqlite|postgresql)(\+\w+)?://", self.DATABASE_URL):
            raise ConfigError("DATABASE_URL", "must be a sqlite:// or postgresql:// URL")
        if self.REDIS_URL and urlparse(self.REDIS_URL).scheme not in ("redis", "rediss", "unix"):
            raise ConfigError("REDIS_URL", "must be a redis://, rediss:// or unix:// URL")
        if self.CALLCENTER_ENV == "production":
            for key in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL"):
                if not getattr(self, key):
                    raise ConfigError(key, "is required in production")
            if self.TWILIO_AUTH_TOKEN == SANDBOX_AUTH_TOKEN:
                raise ConfigError("TWILIO_AUTH_TOKEN", "is required in production (the sandbox token is public)")
        for key in ("PUBLIC_BASE_URL", "TWILIO_API_BASE_URL", *(["VOICE_BASE_URL"] if self.VOICE_BASE_URL else [])):
            parsed = urlparse(getattr(self, key))
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise ConfigError(key, f"must be an http(s) URL, got {getattr(self, key)!r}")
        if not is_supported_region(self.DEFAULT_REGION):
            raise ConfigError("DEFAULT_REGION", f"unknown region code {self.DEFAULT_REGION!r} (try RU or US)")
        if not re.fullmatch(r"AC[0-9a-f]{32}", self.TWILIO_ACCOUNT_SID):
            raise ConfigError("TWILIO_ACCOUNT_SID", "must be AC followed by 32 hex digits")
        try:
            if normalize_phone(self.TWILIO_PHONE_NUMBER, self.DEFAULT_REGION).e164 != self.TWILIO_PHONE_NUMBER:
                raise ConfigError("TWILIO_PHONE_NUMBER", "must be written in E.164 (+74951234567)")
        except InvalidPhoneNumber:
            raise ConfigError("TWILIO_PHONE_NUMBER", f"not a valid number: {self.TWILIO_PHONE_NUMBER!r}") from None
        for key in ("OFFER_TIMEOUT_SECONDS", "AGENT_DISCONNECT_GRACE_SECONDS", "WRAP_UP_SECONDS",
                    "WALLBOARD_TARGET_SECONDS", "WALLBOARD_LONGEST_WAIT_ALERT_SECONDS"):
            if not 1 <= getattr(self, key) <= 3600:
                raise ConfigError(key, "must be between 1 and 3600 seconds")
        try:
            ZoneInfo(self.CENTER_TIMEZONE)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError("CENTER_TIMEZONE", f"unknown time zone {self.CENTER_TIMEZONE!r} (try Europe/Moscow)") from None
        if not 0 <= self.TRUSTED_PROXY_COUNT <= 5:
            raise ConfigError("TRUSTED_PROXY_COUNT", "must be between 0 and 5")
        for key in ("WALLBOARD_SERVICE_LEVEL_PERCENT", "WALLBOARD_ABANDON_WARNING_PERCENT"):
            if not 0 < getattr(self, key) <= 100:
                raise ConfigError(key, "must be a percentage above 0 and at most 100")
        if self.SOCKETIO_MESSAGE_QUEUE not in ("", "off") and urlparse(self.SOCKETIO_MESSAGE_QUEUE).scheme not in (
                "redis", "rediss"):
            raise ConfigError("SOCKETIO_MESSAGE_QUEUE", "must be a redis:// URL or off")
        for key in ("LOGIN_MAX_FAILURES_PER_USERNAME", "LOGIN_MAX_FAILURES_PER_ADDRESS"):
            if not 1 <= getattr(self, key) <= 1000:
                raise ConfigError(key, "must be between 1 and 1000 failed logins")
        for key in ("LOGIN_FAILURE_WINDOW_SECONDS", "LOGIN_LOCKOUT_SECONDS"):
            if not 1 <= getattr(self, key) <= 86400:
                raise ConfigError(key, "must be between 1 and 86400 seconds")
        for key in ("PORT", "VOICE_PORT", "SANDBOX_PORT"):
            if not 0 < getattr(self, key) < 65536:
                raise ConfigError(key, "must be a TCP port number")

    def flask_settings(self, instance_path: str) -> dict:
        """The values Flask stores in app.config, with instance-folder defaults filled in."""
        settings = {f.name: getattr(self, f.name) for f in fields(self)}
        settings["DATABASE_URL"] = self.DATABASE_URL or f"sqlite:///{Path(instance_path) / 'callcenter.sqlite3'}"
        settings["SECRET_KEY"] = self.SECRET_KEY or _instance_secret(Path(instance_path))
        settings["PUBLIC_BASE_URL"] = self.PUBLIC_BASE_URL.rstrip("/")
        settings["VOICE_BASE_URL"] = (self.VOICE_BASE_URL or self.PUBLIC_BASE_URL).rstrip("/")
        settings["SESSION_COOKIE_SECURE"] = self.PUBLIC_BASE_URL.startswith("https://")
        settings["SESSION_COOKIE_SAMESITE"] = "Lax"
        settings["SESSION_COOKIE_HTTPONLY"] = True
        return settings


def _instance_secret(instance: Path) -> str:
    """A development secret that survives restarts, so sessions do too."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
