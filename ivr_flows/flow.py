"""Flow files (TOML, one per flow, named after the file) read into checked, immutable flows."""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from .errors import FlowError, Problem
from .speech import LOCALES
from .steps import STEP_TYPES
from .steps.base import Field

KEYPAD = frozenset("0123456789*#")
COMMON_STEP_FIELDS = {"type": Field("text", required=True), "description": Field("text")}
FLOW_FIELDS = {
    "description": Field("text"),
    "start": Field("target", required=True),
    "languages": Field("languages", required=True),
    "max_tries": Field("int"),
    "on_failure": Field("failure", required=True),
    "retry_hint": Field("prompt", required=True),
    "voices": Field("voices"),
    "steps": Field("steps", required=True),
}
DEFAULT_MAX_TRIES = 3


@dataclass(frozen=True)
class Step:
    """One named step of a flow: its type and the keys written in the file."""

    name: str
    type: str
    spec: Mapping

    @property
    def kind(self):
        """The step's type from the registry (how it is checked and run)."""
        return STEP_TYPES[self.type]


@dataclass(frozen=True)
class Flow:
    """A flow as loaded: where it came from, its version (content hash) and its steps by name."""

    name: str
    source: str
    version: str
    start: str
    languages: tuple[str, ...]
    on_failure: str
    retry_hint: Mapping
    max_tries: int = DEFAULT_MAX_TRIES
    voices: Mapping = field(default_factory=dict)
    description: str = ""
    steps: Mapping[str, Step] = field(default_factory=dict)


def read_flow(path: Path) -> Flow:
    """Read and check one flow file; FlowError lists every malformed key, naming the file and step."""
    raw = path.read_bytes()
    source = str(path)
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise FlowError([Problem(source, None, f"not valid TOML: {exc}")]) from exc
    problems = _table_problems(source, None, data, FLOW_FIELDS)
    steps = {}
    for name, spec in (data["steps"] if isinstance(data.get("steps"), dict) else {}).items():
        step_problems = _step_problems(source, name, spec)
        problems += step_problems
        if not step_problems:
            steps[name] = Step(name, spec["type"], MappingProxyType(spec))
    if problems:
        raise FlowError(problems)
    return Flow(
        name=path.stem, source=source, version=hashlib.sha256(raw).hexdigest()[:12], start=data["start"],
        languages=tuple(data["languages"]), on_failure=data["on_failure"], retry_hint=data["retry_hint"],
        max_tries=data.get("max_tries", DEFAULT_MAX_TRIES), voices=data.get("voices", {}),
        description=data.get("description", ""), steps=MappingProxyType(steps),
    )


def _step_problems(source: str, name: str, spec) -> list[Problem]:
    if not isinstance(spec, dict):
        return [Problem(source, name, "a step must be a table")]
    kind = STEP_TYPES.get(spec.get("type"))
    if kind is None:
        return [Problem(source, name, f"unknown step type {spec.get('type')!r} (known: {', '.join(STEP_TYPES)})")]
    return _table_problems(source, name, spec, COMMON_STEP_FIELDS | kind.fields)


def _table_problems(source: str, step: str | None, table: dict, fields: dict[str, Field]) -> list[Problem]:
    problems = [Problem(source, step, f"unknown key {key!r}") for key in table if key not in fields]
    for key, f in fields.items():
        if key not in table:
            if f.required:
                problems.append(Problem(source, step, f"missing key {key!r}"))
            continue
        message = _value_problem(f, table[key])
        if message:
            problems.append(Problem(source, step, f"{key}: {message}"))
    return problems


def _value_problem(f: Field, value) -> str | None:
    """Why a value does not fit its field's kind, or None."""
    checks = {
        "text": lambda v: _is_text(v) and (not f.allowed or v in f.allowed),
        "template": _is_text,
        "target": _is_text,
        "failure": _is_text,
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool) and v > 0,
        "bool": lambda v: isinstance(v, bool),
        "prompt": lambda v: isinstance(v, dict) and v and all(_is_sentences(s) for s in v.values()),
        "templates": lambda v: isinstance(v, dict) and all(isinstance(s, str) for s in v.values()),
        "choices": lambda v: isinstance(v, dict) and v and all(k in KEYPAD and _is_text(t) for k, t in v.items()),
        "words": lambda v: isinstance(v, dict) and all(
            isinstance(w, dict) and all(_is_word_list(x) for x in w.values()) for w in v.values()),
        "strings": lambda v: _is_text(v) or (isinstance(v, list) and v and all(isinstance(s, str) for s in v)),
        "languages": lambda v: isinstance(v, list) and v and all(lang in LOCALES for lang in v),
        "voices": lambda v: isinstance(v, dict) and all(_is_text(s) for s in v.values()),
        "steps": lambda v: isinstance(v, dict) and v,
    }
    if checks[f.kind](value):
        return None
    expected = {
        "text": "a text" + (f" among {', '.join(f.allowed)}" if f.allowed else ""),
        "template": "a template text",
        "target": "a step name",
        "failure": "a step name",
        "int": "a positive whole number",
        "bool": "true or false",
        "prompt": "a table of language = text (or list of sentences)",
        "templates": "a table of name = template",
        "choices": "a table of keypad key (0-9, *, #) = step name",
        "words": "a table of language = { key = [words] }",
        "strings": "a text or a list of texts",
        "languages": f"a list among {', '.join(LOCALES)}",
        "voices": "a table of language = voice name",
        "steps": "a table of steps",
    }
    return f"expected {expected[f.kind]}"


def _is_text(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _is_sentences(value) -> bool:
    return _is_text(value) or (isinstance(value, list) and value != [] and all(_is_text(s) for s in value))


def _is_word_list(value) -> bool:
    return isinstance(value, list) and all(_is_text(w) for w in value)
