"""Calls whose final status callback never reached us: Twilio does not retry status callbacks, so one sent while
no web process could take it is lost, and the call would stay open forever (its agent on the call, its IVR
session unclosed). The pacer asks the provider how such calls ended and settles them as the callback would have.
Campaign dials are settled by the dialer with their attempts (`dialer.jobs.reconcile_unfinished`)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from crm_core import calls
from crm_core.ivr import close_ivr_session

log = logging.getLogger(__name__)

# Twilio ends every call within 24 hours (its longest time limit): an older open call is not asked about.
LONGEST_CALL = timedelta(hours=24)


def settle_lost_calls(session: Session, telephony, desk, *, now: datetime, after: timedelta, may_ask,
                      default_region: str) -> list[str]:
    """Settle the calls open for longer than `after` that the provider reports ended, asking about each only when
    `may_ask(call_sid)` allows; returns their CallSids. Commits: no transaction is held while the provider is
    asked (on SQLite an open transaction holds the write lock), and each call is settled in its own."""
    open_calls = calls.unsettled_calls(session, since=now - LONGEST_CALL, before=now - after)
    session.commit()
    settled = []
    for call_sid, ended in calls.ended_by_provider(telephony, ((sid, sid) for sid in open_calls), may_ask):
        log.warning("CallSid=%s ended %s but its final status callback never came; settled now", call_sid,
                    ended.final_status.status)
        interaction = calls.apply_status(session, ended.final_status, default_region=default_region,
                                         from_number=ended.from_number, to_number=ended.to_number)
        close_ivr_session(session, interaction)
        session.commit()
        desk.call_finished(call_sid)
        session.commit()
        settled.append(call_sid)
    return settled
