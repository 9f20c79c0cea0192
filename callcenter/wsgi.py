"""WSGI entry point for gunicorn (`callcenter.wsgi:app`)."""

from . import create_app
from .call_logging import chosen_log_format, configure_logging

configure_logging(chosen_log_format())
app = create_app()
