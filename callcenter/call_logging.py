"""Structured logs: one setup for every process, and the call being handled on every line logged meanwhile.

The context (CallSid, dial attempt, request, user, job) is set once at the edge: a request hook for HTTP (the
voice webhooks name their call) and the rq job class for jobs. A logging filter copies it onto each record, so
domain code logs plainly and never passes a CallSid around.

`LOG_FORMAT` chooses the output: `text` (default, for people) or `json` (one object per line, for a log
pipeline). `chosen_log_format` is the one place that reads it; `callcenter --log-format` overrides it.
"""

from __future__ import annotations

import inspect
import json
import logging
import os
import re
import secrets
import sys
from contextlib import contextmanager
from contextvars import ContextVar, Token
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Mapping

from flask import Flask, g, has_request_context, request
from rq.job import Job

LOG_FORMATS = ("text", "json")
LOG_FORMAT_VARIABLE = "LOG_FORMAT"
# Context fields, in the order the text format prints them.
CONTEXT_FIELDS = ("call_sid", "parent_call_sid", "attempt_id", "job_id", "request_id", "user_id")
# Job arguments with these names say which call a job works on.
JOB_CALL_ARGUMENTS = ("call_sid", "attempt_id")
# Identifiers from a request (checked or not yet checked) go into every line only if they look like one: no forged
# lines, no megabyte of junk per line.
IDENTIFIER = re.compile(r"[A-Za-z0-9._-]{1,64}")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s%(context_text)s"

_context: ContextVar[Mapping[str, object]] = ContextVar("log_context", default=MappingProxyType({}))


@contextmanager
def log_context(**fields):
    """Add `fields` (None values are left out) to every line logged inside the block."""
    token = _bind(fields)
    try:
        yield
    finally:
        _context.reset(token)


def _bind(fields: dict) -> Token:
    return _context.set(MappingProxyType(
        dict(_context.get()) | {name: value for name, value in fields.items() if value is not None}))


class CallContextFilter(logging.Filter):
    """Copy the current log context onto each record (`record.context`, and the text format's suffix), with the
    console user when the request has loaded one (looked up only when a line is logged)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _context.get()
        user = g.get("_login_user") if has_request_context() else None
        if getattr(user, "is_authenticated", False):
            context = MappingProxyType(dict(context) | {"user_id": user.id})
        record.context = context
        record.context_text = "".join(f" {name}={context[name]}" for name in CONTEXT_FIELDS if name in context)
        return True


CALL_CONTEXT = CallContextFilter()


class JsonFormatter(logging.Formatter):
    """One JSON object per line: timestamp (UTC), level, logger, message, the context fields, the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "timestamp": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "context", {}),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def chosen_log_format(given: str | None = None) -> str:
    """`given`, else the LOG_FORMAT variable, else text; ValueError naming LOG_FORMAT if it is neither format."""
    log_format = given or os.environ.get(LOG_FORMAT_VARIABLE) or "text"
    if log_format not in LOG_FORMATS:
        raise ValueError(f"{LOG_FORMAT_VARIABLE} must be one of {', '.join(LOG_FORMATS)}, got {log_format!r}")
    return log_format


def log_handler(log_format: str, stream=None) -> logging.Handler:
    """A stream handler writing `log_format` lines (text or json) with the call context."""
    return in_platform_format(logging.StreamHandler(stream or sys.stderr), log_format)


def in_platform_format(handler: logging.Handler, log_format: str) -> logging.Handler:
    """Make `handler` write `log_format` lines with the call context (also for handlers a server set up)."""
    handler.addFilter(CALL_CONTEXT)
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    return handler


def configure_logging(log_format: str, level: int = logging.INFO) -> None:
    """Send every logger's lines to stderr in `log_format`, with the call context."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(log_handler(log_format))
    root.setLevel(level)


def init_app(app: Flask) -> None:
    """Give every request its log context: the call of a voice webhook; the request id and user otherwise."""
    app.before_request(_enter_request_context)
    app.teardown_request(_leave_request_context)


def _enter_request_context() -> None:
    if request.blueprint == "voice":
        form = request.form
        fields = {"call_sid": _identifier(form.get("CallSid")),
                  "parent_call_sid": _identifier(form.get("ParentCallSid")),
                  "attempt_id": _identifier(request.args.get("attempt"))}
    else:
        given = request.headers.get("X-Request-Id", "")
        fields = {"request_id": given if IDENTIFIER.fullmatch(given) else secrets.token_hex(8)}
    g.log_context_token = _bind(fields)


def _identifier(value: str | None) -> str | None:
    """`value` if it looks like an identifier, "?" if it does not, None if absent."""
    if not value:
        return None
    return value if IDENTIFIER.fullmatch(value) else "?"


def _leave_request_context(_exc) -> None:
    token = g.pop("log_context_token", None)
    if token is not None:
        _context.reset(token)


class LoggedJob(Job):
    """An rq job whose log lines name the job and the call it works on (its `call_sid`/`attempt_id` argument)."""

    def perform(self):
        with log_context(job_id=self.id, **job_call_fields(self)):
            return super().perform()


def job_call_fields(job: Job) -> dict:
    """The job's arguments that name a call, by parameter name."""
    try:
        arguments = inspect.signature(job.func).bind_partial(*job.args, **job.kwargs).arguments
    except (TypeError, ValueError):  # a callable without a signature, or arguments that do not fit it
        return {}
    return {name: arguments[name] for name in JOB_CALL_ARGUMENTS if name in arguments}
