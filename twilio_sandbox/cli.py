"""Command line: run a sandbox server (python -m twilio_sandbox)."""

from __future__ import annotations

import argparse
import logging

from werkzeug.serving import make_server

from .app import create_app
from .calls import Target
from .directory import IncomingNumber
from .sids import new_sid


def build_parser() -> argparse.ArgumentParser:
    """Describe the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m twilio_sandbox", description="Run a Twilio Programmable Voice sandbox."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--account-sid", help="an AccountSid to accept (AC + 32 hex)")
    parser.add_argument("--auth-token", help="the AuthToken of --account-sid")
    parser.add_argument("--clock-speed", type=float, default=1.0, help="simulated seconds per real second")
    parser.add_argument("--cps", type=float, default=1.0, help="outbound calls per second per account")
    parser.add_argument("--webhook-timeout", type=float, default=15.0, help="real seconds to wait for a webhook")
    parser.add_argument(
        "--number",
        action="append",
        default=[],
        metavar="PHONE=VOICE_URL",
        help="register an incoming number of --account-sid (repeatable)",
    )
    return parser


def main(argv: list[str] | None = None) -> None:
    """Run the sandbox until interrupted."""
    args = build_parser().parse_args(argv)
    if bool(args.account_sid) != bool(args.auth_token):
        raise SystemExit("--account-sid and --auth-token go together")
    if args.number and not args.account_sid:
        raise SystemExit("--number needs --account-sid")
    accounts = {args.account_sid: args.auth_token} if args.account_sid else {}
    app = create_app(accounts, clock_speed=args.clock_speed, webhook_timeout=args.webhook_timeout, cps=args.cps)
    sandbox = app.extensions["sandbox"]
    for spec in args.number:
        phone, _, url = spec.partition("=")
        if not url:
            raise SystemExit(f"--number {spec!r}: expected PHONE=VOICE_URL")
        sandbox.add_number(IncomingNumber(new_sid("PN"), phone, args.account_sid, Target(url)))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    server = make_server(args.host, args.port, app, threaded=True)
    print(f"Twilio sandbox on http://{args.host}:{server.port} (clock x{args.clock_speed:g})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.hang_up_everything("system-shutdown")
        server.server_close()
