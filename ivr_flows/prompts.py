"""Prompt templates: `{path}` or `{path:kind}` placeholders filled from the call's variables.

A prompt is a sentence or a list of sentences; a sentence whose placeholder has no value is left out, so
"Служба доставки — {order.carrier}." is simply not said for an order without a carrier.
"""

from __future__ import annotations

import re
from datetime import date

from .speech import KINDS, say_value

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)(?::([a-z]+))?\}")
_ONLY_PLACEHOLDER = re.compile(r"\A" + PLACEHOLDER.pattern + r"\Z")


def lookup(variables: dict, path: str):
    """The value at a dotted path ("order.carrier"), None when any part is missing."""
    value = variables
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def assign(variables: dict, path: str, value) -> None:
    """Set the value at a dotted path, creating the tables on the way; None removes it."""
    *parents, last = path.split(".")
    table = variables
    for part in parents:
        if not isinstance(table.get(part), dict):
            table[part] = {}
        table = table[part]
    if value is None:
        table.pop(last, None)
    else:
        table[last] = value


def render_prompt(prompt: str | list[str], variables: dict, language: str, *, today: date | None = None) -> str:
    """The text to say: each sentence with its placeholders spoken, sentences missing a value left out."""
    sentences = [prompt] if isinstance(prompt, str) else prompt
    said = (_sentence(s, variables, language, today) for s in sentences)
    return " ".join(s for s in said if s)


def render_value(template: str, variables: dict):
    """A template used as data (lookup arguments, `set` values, agent context): a lone placeholder gives
    the variable's own value (a number stays a number), anything else gives text."""
    whole = _ONLY_PLACEHOLDER.match(template)
    if whole:
        return lookup(variables, whole.group(1))
    return PLACEHOLDER.sub(lambda m: _text(lookup(variables, m.group(1))), template)


def template_problems(template: str) -> list[str]:
    """Why a template would not render: unknown kinds, braces that are not placeholders."""
    problems = [f"unknown placeholder kind {kind!r} (known: {', '.join(KINDS)})"
                for _, kind in PLACEHOLDER.findall(template) if kind and kind not in KINDS]
    if "{" in PLACEHOLDER.sub("", template) or "}" in PLACEHOLDER.sub("", template):
        problems.append(f"malformed placeholder in {template!r}")
    return problems


def _sentence(sentence: str, variables: dict, language: str, today: date | None) -> str | None:
    missing = False

    def fill(match: re.Match) -> str:
        nonlocal missing
        value = lookup(variables, match.group(1))
        if value is None or value == "":
            missing = True
            return ""
        return say_value(match.group(2) or "text", value, language, today=today)

    text = PLACEHOLDER.sub(fill, sentence)
    return None if missing else text


def _text(value) -> str:
    return "" if value is None else str(value)
