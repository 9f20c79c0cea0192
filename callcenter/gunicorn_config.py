"""gunicorn settings of the `web` and `voice` processes (`gunicorn -c python:callcenter.gunicorn_config ...`):
gunicorn's own lines in the platform's log format, and the metrics' multiprocess directory kept for this server's
workers.

The access log is left as gunicorn's options make it (off unless `--access-logfile`; tools parse its format)."""

from gunicorn.glogging import Logger

from callcenter.call_logging import chosen_log_format, in_platform_format
from callcenter.metrics import empty_multiprocess_directory, forget_worker


class PlatformLogger(Logger):
    """gunicorn's logger with its error log in the platform's format, from its first line and after a reload
    (which sets its handlers up again)."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for handler in self.error_log.handlers:
            in_platform_format(handler, chosen_log_format())


logger_class = PlatformLogger


def on_starting(_server) -> None:
    empty_multiprocess_directory()


def child_exit(_server, worker) -> None:
    forget_worker(worker.pid)
