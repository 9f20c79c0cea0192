"""`callcenter sandbox` and `callcenter call`: try the platform with simulated phones, no Twilio account."""

from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from crm_core.errors import InvalidPhoneNumber
from crm_core.phones import normalize_phone

from .telephony.provider import REAL_TWILIO_API


def _sandbox_url() -> str:
    url = current_app.config["TWILIO_API_BASE_URL"].rstrip("/")
    if url == REAL_TWILIO_API:
        raise click.ClickException("TWILIO_API_BASE_URL points at real Twilio; the sandbox is for local use")
    return url


@click.command("sandbox")
@click.option("--clock-speed", default=1.0, show_default=True, help="Simulated seconds per real second.")
@click.option("--cps", default=1.0, show_default=True, help="Outbound calls per second, as Twilio throttles them.")
@with_appcontext
def sandbox_command(clock_speed: float, cps: float) -> None:
    """Run the local Twilio sandbox on SANDBOX_PORT; our number's calls go to this platform's webhooks."""
    from werkzeug.serving import make_server

    from twilio_sandbox import SandboxClient, create_app as create_sandbox

    _sandbox_url()
    config = current_app.config
    sandbox = create_sandbox({config["TWILIO_ACCOUNT_SID"]: config["TWILIO_AUTH_TOKEN"]},
                             clock_speed=clock_speed, cps=cps)
    server = make_server("127.0.0.1", config["SANDBOX_PORT"], sandbox, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = config["VOICE_BASE_URL"]
    with SandboxClient(f"http://127.0.0.1:{server.port}") as control:
        control.add_number(config["TWILIO_PHONE_NUMBER"], config["TWILIO_ACCOUNT_SID"],
                           voice_url=f"{base}/voice/incoming", voice_fallback_url=f"{base}/voice/fallback",
                           status_callback=f"{base}/voice/status")
    click.echo(f"Twilio sandbox on http://127.0.0.1:{server.port}: calls to {config['TWILIO_PHONE_NUMBER']} "
               f"reach {base}/voice/incoming")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    server.shutdown()


@click.command("call")
@click.option("--from", "from_number", required=True, help="The simulated caller's number, in any format.")
@click.option("--to", "to_number", help="The number dialed (default: TWILIO_PHONE_NUMBER).")
@click.option("--press", default="", help='Keys pressed at each prompt, space-separated: "1 10045#".')
@click.option("--say", "phrases", multiple=True, help="A phrase spoken at the next prompt after the key presses.")
@click.option("--patience", default=60, show_default=True, help="Seconds the caller waits in a queue.")
@click.option("--timeout", default=120, show_default=True, help="Real seconds to wait for the call to end.")
@with_appcontext
def call_command(from_number, to_number, press, phrases, patience, timeout) -> None:
    """Place a simulated inbound call through the running sandbox and print what the caller heard."""
    from twilio_sandbox import SandboxClient, format_transcript, parse_press_script

    region = current_app.config["DEFAULT_REGION"]
    try:
        caller = normalize_phone(from_number, region).e164
        dialed = normalize_phone(to_number, region).e164 if to_number else current_app.config["TWILIO_PHONE_NUMBER"]
    except InvalidPhoneNumber as exc:
        raise click.BadParameter(exc.message) from exc
    script = parse_press_script(press) + [{"say": phrase} for phrase in phrases]
    with SandboxClient(_sandbox_url()) as sandbox:
        try:
            sid = sandbox.place_call(caller, dialed, script, patience=patience)
            call = sandbox.wait(sid, timeout=timeout)
        except (OSError, TimeoutError) as exc:
            raise click.ClickException(f"the sandbox at {_sandbox_url()} did not answer: {exc}") from exc
    click.echo(format_transcript(call))
