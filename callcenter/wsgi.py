"""WSGI entry point for gunicorn (`callcenter.wsgi:app`)."""

import gc

from . import create_app
from .call_logging import chosen_log_format, configure_logging

configure_logging(chosen_log_format())
app = create_app()
# What is loaded by now lives as long as the process: keep it out of the cyclic collector's full passes, which
# otherwise stop every thread of a busy web process (every agent's screen-pop with them) for 100-150 ms.
gc.freeze()
