"""Requests the sandbox refuses, each with the status and Twilio error code it answers."""

from __future__ import annotations


class SandboxError(Exception):
    """A refused request, rendered as Twilio's JSON error body on the REST API."""

    status = 400
    code = 21200

    def __init__(self, message: str, *, code: int | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status

    def to_json(self) -> dict:
        """Return the body Twilio sends with an error."""
        return {
            "code": self.code,
            "message": self.message,
            "more_info": f"https://www.twilio.com/docs/errors/{self.code}",
            "status": self.status,
        }


class Unauthorized(SandboxError):
    """Missing or wrong AccountSid/AuthToken."""

    status = 401
    code = 20003


class NotFound(SandboxError):
    """An unknown resource."""

    status = 404
    code = 20404


class InvalidParameter(SandboxError):
    """A missing or malformed request parameter."""

    status = 400


class Conflict(SandboxError):
    """A request that does not fit the resource's current state (e.g. redirecting an ended call)."""

    status = 400
    code = 21220
