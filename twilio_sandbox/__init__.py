"""A Twilio Programmable Voice stand-in: REST API subset, TwiML interpreter, signed webhooks
and simulated callers, served as its own WSGI app. Imports nothing from the rest of the repo."""

from .app import create_app
from .client import ControlApiError, SandboxClient
from .clock import Clock
from .script import parse_press_script
from .server import ServerHandle, serve_in_thread
from .signing import compute_signature
from .state import Sandbox
from .transcript import format_transcript

__all__ = [
    "Clock",
    "ControlApiError",
    "Sandbox",
    "SandboxClient",
    "ServerHandle",
    "compute_signature",
    "create_app",
    "format_transcript",
    "parse_press_script",
    "serve_in_thread",
]
