"""Console pages: login, the agent desk, the supervisors' floor, and sandbox helpers."""

from __future__ import annotations

import logging
import math

from flask import Response, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from crm_core.errors import InvalidPhoneNumber, ValidationError
from crm_core.phones import normalize_phone
from crm_core.users import authenticate
from crm_core.wrapup import active_dispositions

from agent_console.desk import agent_identity
from agent_console.monitoring import supervisor_identity

from ..db import get_session
from ..redis_store import get_redis
from ..telephony import provider
from ..telephony.hold_music import hold_music_wav
from ..telephony.provider import TelephonyError
from . import bp
from .auth import ConsoleUser, supervisor_required
from .login_throttle import Lockout, LoginThrottle

log = logging.getLogger(__name__)

BREAK_REASONS = ("lunch", "training", "meeting", "personal", "technical issue")
SOFTPHONE_TOKEN_SECONDS = 3600


def _home_for(user) -> str:
    return url_for("console.floor") if user.is_supervisor else url_for("console.desk")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with username and password; repeated failures lock the username or the address out."""
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    if request.method == "GET":
        return render_template("login.html", error=None)
    username = request.form.get("username", "").strip()[:64]
    address = request.remote_addr or ""
    throttle = _login_throttle()
    lockout = throttle.lockout(username, address)
    if lockout is not None:
        return _locked_out(lockout)
    user = authenticate(get_session(), username, request.form.get("password", ""))
    if user is not None:
        throttle.record_success(username)
        console_user = ConsoleUser(user)
        login_user(console_user)
        return redirect(_home_for(console_user))
    lockout = throttle.record_failure(username, address)
    if lockout is not None:
        log.warning("login locked out for %d s after repeated failures (by %s) username=%r address=%s",
                    lockout.retry_after, lockout.subject, username, address)
        return _locked_out(lockout)
    return render_template("login.html", error="Wrong username or password."), 401


def _login_throttle() -> LoginThrottle:
    config = current_app.config
    return LoginThrottle(get_redis(), max_per_username=config["LOGIN_MAX_FAILURES_PER_USERNAME"],
                         max_per_address=config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
                         window_seconds=config["LOGIN_FAILURE_WINDOW_SECONDS"],
                         lockout_seconds=config["LOGIN_LOCKOUT_SECONDS"])


def _locked_out(lockout: Lockout):
    """429 with when to try again; the page does not say whether the username or the address is locked."""
    minutes = math.ceil(lockout.retry_after / 60)
    error = f"Too many failed logins. Try again in {minutes} minute{'s' if minutes != 1 else ''}."
    return render_template("login.html", error=error), 429, {"Retry-After": str(lockout.retry_after)}


@bp.post("/logout")
@login_required
def logout():
    """Sign out."""
    logout_user()
    return redirect(url_for("console.login"))


@bp.get("/")
def index():
    """Send people where they work."""
    if not current_user.is_authenticated:
        return redirect(url_for("console.login"))
    return redirect(_home_for(current_user))


@bp.get("/desk")
@login_required
def desk():
    """The agent desk."""
    dispositions = [{"code": d.code, "label_ru": d.label_ru, "label_en": d.label_en,
                     "schedules_callback": d.schedules_callback, "opens_ticket": d.opens_ticket}
                    for d in active_dispositions(get_session())]
    return render_template("desk.html", user=current_user.as_dict(), dispositions=dispositions,
                           break_reasons=BREAK_REASONS, sandbox_mode=_sandbox_mode(),
                           our_number=current_app.config["TWILIO_PHONE_NUMBER"],
                           wrap_up_seconds=current_app.config["WRAP_UP_SECONDS"])


@bp.get("/console/softphone-token")
@login_required
def softphone_token():
    """An access token for the browser softphone (Twilio Voice JS SDK): an agent's receives the calls the desk
    connects to `<Client>agent-N</Client>`, a supervisor's the monitoring legs (`supervisor-N`); refreshed by
    the page before it expires."""
    if current_user.is_supervisor:
        identity = supervisor_identity(current_user.id)
    else:
        identity = agent_identity(current_user.id)
    try:
        token = provider().access_token(identity, ttl=SOFTPHONE_TOKEN_SECONDS)
    except TelephonyError as exc:
        return jsonify(error="softphone_unavailable", message=str(exc)), 503
    response = jsonify(token=token, identity=identity, ttl=SOFTPHONE_TOKEN_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/console/hold-music.wav")
def hold_music():
    """What a caller on hold hears between messages (Twilio fetches it without a session, like any media)."""
    response = Response(hold_music_wav(), mimetype="audio/wav")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/floor")
@supervisor_required
def floor():
    """The supervisors' live view of agents and queues."""
    return render_template("floor.html", user=current_user.as_dict(), sandbox_mode=_sandbox_mode())


@bp.post("/console/demo-call")
@login_required
def demo_call():
    """Sandbox only: a simulated customer calls our number and presses the given keys."""
    from twilio_sandbox import SandboxClient, parse_press_script

    if not _sandbox_mode():
        return jsonify(error="not_found", message="demo calls exist only with the local sandbox"), 404
    body = request.get_json(silent=True) or {}
    try:
        caller = normalize_phone(str(body.get("from", "")), current_app.config["DEFAULT_REGION"]).e164
        press = str(body.get("press", ""))[:100]
        script = parse_press_script(press) if press.strip() else None  # no keys: an interactive caller
    except (InvalidPhoneNumber, ValueError) as exc:
        raise ValidationError("from", str(exc)) from exc
    provider().answer_for_browser(agent_identity(current_user.id))
    with SandboxClient(current_app.config["TWILIO_API_BASE_URL"]) as sandbox:
        sid = sandbox.place_call(caller, current_app.config["TWILIO_PHONE_NUMBER"], script, patience=300)
    return jsonify(call_sid=sid), 201


def _sandbox_mode() -> bool:
    return provider().is_sandbox
