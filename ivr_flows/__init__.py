"""IVR flows as data (TOML files in ivr_flows/flows/) and the pure engine that runs them.

    catalog = load_catalog()                                   # checked like `callcenter ivr lint`
    turn = start_session(catalog, "order_tracking", {"from": "+7..."}, wiring)
    str(turn.response)                                         # TwiML; turn.state() goes to the next webhook
    turn = continue_session(catalog, state, Reply(step="main_menu", digits="1"), wiring, "order_tracking")
"""

from .catalog import DEFAULT_FLOW, SHIPPED_FLOWS, load_catalog, shipped_catalog
from .engine import Turn, Visit, Wiring, continue_session, start_session
from .errors import FlowError, FlowRuntimeError, Problem
from .flow import Flow, Step, read_flow
from .inputs import Reply
from .lint import lint_catalog, lint_directory
from .steps import STEP_TYPES

__all__ = [
    "DEFAULT_FLOW", "SHIPPED_FLOWS", "STEP_TYPES",
    "Flow", "FlowError", "FlowRuntimeError", "Problem", "Reply", "Step", "Turn", "Visit", "Wiring",
    "continue_session", "lint_catalog", "lint_directory", "load_catalog", "read_flow", "shipped_catalog",
    "start_session",
]
