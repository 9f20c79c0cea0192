"""Small flows written to a temporary directory, for engine and lint tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

HEADER = """
start = "{start}"
languages = ["ru", "en"]
on_failure = "agent"
[retry_hint]
ru = "Не поняла."
en = "Didn't get that."
[steps.agent]
type = "enqueue"
prompt.ru = "Оператор."
prompt.en = "Agent."
"""


def write_flow(directory: Path, name: str, steps: str, *, start: str = "first", header: str = HEADER) -> Path:
    """Write `<name>.toml`: the common header (languages, retry hint, an `agent` step) plus `steps`."""
    path = directory / f"{name}.toml"
    path.write_text(textwrap.dedent(header.format(start=start)) + textwrap.dedent(steps), encoding="utf-8")
    return path
