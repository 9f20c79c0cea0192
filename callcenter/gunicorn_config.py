"""gunicorn settings of the `web` process (`gunicorn -c python:callcenter.gunicorn_config ...`): gunicorn's own
lines in the platform's log format, and the metrics' multiprocess directory kept for this server's workers."""

from callcenter.call_logging import chosen_log_format
from callcenter.metrics import empty_multiprocess_directory, forget_worker

# Through the root logger, as every other line; access lines are left out (each webhook is in the histogram).
logconfig_dict = {
    "root": {"level": "INFO", "handlers": ["platform"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": True},
    },
    "handlers": {"platform": {"()": "callcenter.call_logging.log_handler", "log_format": chosen_log_format()}},
}


def on_starting(_server) -> None:
    empty_multiprocess_directory()


def child_exit(_server, worker) -> None:
    forget_worker(worker.pid)
