"""gunicorn settings of the `web` process (`gunicorn -c python:callcenter.gunicorn_config ...`): gunicorn's own
lines in the platform's log format, and the metrics' multiprocess directory kept for this server's workers.

The access log is left as gunicorn's options make it (off unless `--access-logfile`; tools parse its format)."""

import logging

from callcenter.call_logging import chosen_log_format, in_platform_format
from callcenter.metrics import empty_multiprocess_directory, forget_worker


def _restyle_gunicorn_lines() -> None:
    """gunicorn sets up its error log itself (and again on reload): give its handlers the platform's format."""
    log_format = chosen_log_format()
    for handler in logging.getLogger("gunicorn.error").handlers:
        in_platform_format(handler, log_format)


def on_starting(_server) -> None:
    _restyle_gunicorn_lines()
    empty_multiprocess_directory()


def post_fork(_server, _worker) -> None:
    _restyle_gunicorn_lines()


def child_exit(_server, worker) -> None:
    forget_worker(worker.pid)
