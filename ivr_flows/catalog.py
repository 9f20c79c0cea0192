"""Where flows come from: the flow files shipped in ivr_flows/flows/, loaded once and refused if lint fails."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

from .errors import FlowError
from .flow import Flow
from .lint import lint_catalog, read_flows

SHIPPED_FLOWS = Path(__file__).with_name("flows")
DEFAULT_FLOW = "order_tracking"


def load_catalog(directory: Path = SHIPPED_FLOWS, services: Iterable[str] | None = None) -> dict[str, Flow]:
    """Every flow of a directory by name; FlowError (naming files and steps) if any flow fails lint."""
    flows, problems = read_flows(directory)
    problems += lint_catalog(flows, services)
    if problems:
        raise FlowError(problems)
    return flows


@functools.cache
def shipped_catalog(services: frozenset[str] | None = None) -> dict[str, Flow]:
    """The shipped flows, read once per process (flows change with a deploy, not during one)."""
    return load_catalog(SHIPPED_FLOWS, services)
