"""Two call legs talking to each other: how they get connected and how long they stay."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .calls import Call

if TYPE_CHECKING:
    from .engine import CallRunner
    from .state import Sandbox


def link(sandbox: Sandbox, waiting: Call, joining: Call) -> bool:
    """Connect ``joining`` to ``waiting`` if ``waiting`` still expects it; the first of several
    ringing legs to get here wins."""
    with sandbox.lock:
        if waiting.ended or joining.ended or waiting.bridged_with or joining.sid not in waiting.awaiting:
            return False
        waiting.bridged_with, joining.bridged_with = joining.sid, waiting.sid
        waiting.awaiting = frozenset()
        sandbox.changed.notify_all()
        return True


def hold(runner: CallRunner, peer: Call) -> None:
    """Stay connected to ``peer`` until either leg leaves. Leaving for any reason (hangup,
    redirect, talk time over) breaks the bridge for both."""
    call, sandbox = runner.call, runner.sandbox
    try:
        runner.wait(None, until=lambda: peer.ended or peer.bridged_with != call.sid or call.bridged_with != peer.sid)
    finally:
        with sandbox.lock:
            if call.bridged_with == peer.sid:
                call.bridged_with = None
                sandbox.changed.notify_all()
