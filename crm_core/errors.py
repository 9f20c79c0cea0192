"""Domain errors; the edges (HTTP, CLI, webhooks) turn them into clear messages."""


class CrmError(Exception):
    """Base class of every error the CRM core raises on purpose."""


class ValidationError(CrmError):
    """Input that the domain refuses, naming the offending field."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class InvalidPhoneNumber(ValidationError):
    """A phone number that cannot be parsed or is not a valid number."""

    def __init__(self, raw: str, message: str = "not a valid phone number", field: str = "phone"):
        super().__init__(field, f"{message} ({raw!r})")
        self.raw = raw


class NotFound(CrmError):
    """A record that does not exist."""

    def __init__(self, kind: str, key):
        super().__init__(f"{kind} {key!r} not found")
        self.kind = kind
        self.key = key
