"""Caller scripts: what a simulated party does each time it is asked for input."""

from __future__ import annotations

from .errors import InvalidParameter

ACTIONS = ("press", "say", "silence", "hangup", "wait")


def parse_press_script(text: str) -> list[dict]:
    """Turn the CLI form "1 10045#" into one press action per space-separated group."""
    return [{"press": keys} for keys in text.split()]


def validate_script(script: object) -> list[dict] | None:
    """Return a copy of a script after checking each action, or None for an interactive party."""
    if script is None:
        return None
    if not isinstance(script, list):
        raise InvalidParameter("script must be a list of actions")
    checked = []
    for action in script:
        if not isinstance(action, dict) or not any(name in action for name in ACTIONS):
            raise InvalidParameter(f"script action {action!r} is not one of {', '.join(ACTIONS)}")
        if "press" in action and not all(key in "0123456789*#" for key in str(action["press"])):
            raise InvalidParameter(f"cannot press {action['press']!r}: use digits, * and #")
        if "wait" in action and not isinstance(action["wait"], (int, float)):
            raise InvalidParameter(f"wait needs a number of seconds, not {action['wait']!r}")
        checked.append(dict(action))
    return checked
