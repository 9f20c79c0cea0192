"""The step registry: every step type a flow file may use, by the name written in `type = "..."`."""

from .asking import Collect, Menu, Record
from .deciding import Condition, GotoFlow, Lookup, Set
from .handing_over import Callback, Enqueue
from .speaking import Hangup, Play, Say

STEP_TYPES = {
    "say": Say(),
    "play": Play(),
    "menu": Menu(),
    "collect": Collect(),
    "record": Record(),
    "lookup": Lookup(),
    "condition": Condition(),
    "set": Set(),
    "goto_flow": GotoFlow(),
    "enqueue": Enqueue(),
    "callback": Callback(),
    "hangup": Hangup(),
}

__all__ = ["STEP_TYPES"]
