"""The dialer's errors; ImportFailed and InvalidProfile are validation errors, so the edges answer 400."""

from __future__ import annotations

from crm_core.errors import CrmError, ValidationError


class ImportFailed(ValidationError):
    """A file that cannot be imported at all (encoding, header, line length, empty); nothing was written."""

    def __init__(self, message: str, field: str = "file"):
        super().__init__(field, message)

    def __reduce__(self):
        # Raised in worker processes: travel back with the same message and field.
        return type(self), (self.message, self.field)


class InvalidProfile(ValidationError):
    """Compliance profile rules that do not validate, naming the offending key."""

    def __init__(self, key: str, message: str):
        super().__init__(f"rules.{key}" if key else "rules", message)


class DialRefused(CrmError):
    """The compliance gate refused a dial; `reasons` are the Reason objects of its decision."""

    def __init__(self, reasons):
        self.reasons = tuple(reasons)
        super().__init__("dial refused: " + "; ".join(f"{r.code}: {r.message}" for r in self.reasons))
