"""A small contact center whose every KPI was computed by hand (see the tests for the arithmetic).

Monday 2026-06-01, 09:00-10:00 UTC: two agents (Anna, Boris), queues `support` and `sales`, IVR sessions.
Tuesday 06-02 and Wednesday 06-03: an outbound campaign with two call lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest

from crm_core import models
from crm_core.agents import log_agent_state
from dialer.campaigns import create_campaign


def at(day: int, hh: int, mm: int, ss: int = 0) -> datetime:
    """A moment of June 2026, UTC."""
    return datetime(2026, 6, day, hh, mm, ss, tzinfo=timezone.utc)


HOUR_START, HOUR_END = at(1, 9, 0), at(1, 10, 0)
# Long after everything: "now" for the reports, so no state is cut short by the present.
NOW = at(10, 0, 0)

# Agent states as the desk logs them: (agent, state, since, call).
STATES = [
    ("anna", "offline", at(1, 8, 0), None),
    ("anna", "available", at(1, 8, 50), None),
    ("anna", "ringing", at(1, 9, 5), "call1"),
    ("anna", "on_call", at(1, 9, 5, 10), "call1"),
    ("anna", "wrap_up", at(1, 9, 10, 10), "call1"),
    ("anna", "available", at(1, 9, 11, 10), None),
    ("anna", "on_call", at(1, 9, 30), "call2"),
    ("anna", "wrap_up", at(1, 9, 40), "call2"),
    ("anna", "break", at(1, 9, 42), None),
    ("anna", "available", at(1, 9, 50), None),
    ("anna", "offline", at(1, 10, 5), None),
    ("boris", "available", at(1, 9, 20), None),
    ("boris", "on_call", at(1, 9, 45), "call3"),
    ("boris", "wrap_up", at(1, 9, 55), "call3"),
]

# Inbound calls through the IVR to a queue: (name, queue, started, agent, disposition, customer,
# [(QueueResult, QueueTime)...] as Twilio reports each stint in the queue, ended).
QUEUED_CALLS = [
    ("call1", "support", at(1, 9, 4), "anna", "sale", "first", [("bridged", "10")], at(1, 9, 10, 10)),
    ("call2", "support", at(1, 9, 28), "anna", "resolved", "second", [("bridged", "25")], at(1, 9, 40)),
    # The agent's phone did not answer the first time: back to the queue, 15 + 8 seconds of waiting.
    ("call3", "support", at(1, 9, 30), "boris", "not_interested", None, [("bridged", "15"), ("bridged", "8")],
     at(1, 9, 55)),
    ("call4", "support", at(1, 9, 12), None, None, None, [("hangup", "3")], at(1, 9, 12, 40)),
    ("call5", "support", at(1, 9, 20), None, None, None, [("hangup", "40")], at(1, 9, 21, 20)),
    ("call6", "support", at(1, 9, 50), None, None, None, [("bridged", "5"), ("hangup", "12")], at(1, 9, 51)),
    ("call7", "sales", at(1, 9, 36), "boris", "sale", "second", [("bridged", "0")], at(1, 9, 44)),
    # Before the hour: in no report of it.
    ("call8", "support", at(1, 8, 59), "anna", "resolved", None, [("bridged", "4")], at(1, 9, 3)),
]

# IVR sessions that never reached a queue: (name, started, outcome, path, status of the order looked up).
IVR_ONLY_CALLS = [
    ("call10", at(1, 9, 5), "contained", ["identify", "main_menu", "track", "tell_status", "after_answer"],
     "in_transit"),
    ("call11", at(1, 9, 6), "contained", ["identify", "main_menu", "track", "tell_delivered", "after_answer"],
     "delivered"),
    ("call12", at(1, 9, 7), "abandoned", ["identify", "main_menu"], None),
    ("call13", at(1, 9, 8), "callback", ["identify", "main_menu", "callback", "callback_promised"], None),
    ("call14", at(1, 9, 9), "contained", ["identify", "main_menu", "track", "tell_status", "after_answer"],
     "in_transit"),
]
# call2's caller heard about a delayed order, then asked for an agent.
ASKED_BEFORE_AGENT = {"call2": "delayed"}

# Dial attempts: (name, list, lead, placed, answered_by, connected agent, abandoned, agent found a machine,
# disposition of the conversation).
ATTEMPTS = [
    ("a1", "L1", "a", at(2, 10, 0), None, None, False, False, None),
    ("a2", "L1", "a", at(2, 12, 0), "human", "anna", False, False, "sale"),
    ("a3", "L1", "b", at(2, 10, 5), "machine", None, False, False, None),
    ("a4", "L1", "c", at(2, 10, 10), "human", None, True, False, None),
    ("a5", "L2", "e", at(2, 11, 0), "human", "boris", False, False, "not_interested"),
    ("a6", "L2", "e", at(2, 15, 0), "human", "boris", False, True, None),
    ("a8", "L1", "b", at(3, 9, 0), "human", "anna", False, False, "sale"),
]
LEADS = {"L1": ("a", "b", "c", "d"), "L2": ("e", "f")}


@dataclass
class Floor:
    """Ids of what the fixture created, by the names used above."""

    agents: dict = field(default_factory=dict)
    calls: dict = field(default_factory=dict)
    lists: dict = field(default_factory=dict)
    campaign_id: int = 0


@pytest.fixture
def floor(db_session, make_user, make_customer, make_order) -> Floor:
    """The hand-computed contact center described in this module."""
    built = Floor()
    for name in ("anna", "boris"):
        built.agents[name] = make_user("agent", full_name=name.title()).id
    for name, state, since, call in STATES:
        log_agent_state(db_session, built.agents[name], state, call_sid=call, at=since)

    first = make_customer("Анна", "Первая", phones=("+79120000001",))
    second = make_customer("Борис", "Второй", phones=("+79120000002",))
    customers = {"first": first, "second": second}
    make_order(first, status="delivered", placed_at=at(3, 8, 0))  # 2 days after call1's sale
    make_order(second, status="shipped", placed_at=at(5, 8, 0))  # 4 days after call7's sale
    make_order(second, status="delivered", placed_at=at(1, 8, 0), events=("new",))  # before the call

    for name, queue, started, agent, disposition, customer, stints, ended in QUEUED_CALLS:
        call = _call(db_session, name, started=started, ended=ended, queue=queue,
                     agent_id=built.agents.get(agent), disposition=disposition,
                     customer_id=customers[customer].id if customer else None,
                     ivr_outcome="transferred", ivr_path=["identify", "main_menu", "agent"],
                     order_status=ASKED_BEFORE_AGENT.get(name))
        for n, (result, queue_time) in enumerate(stints):
            call.events.append(models.InteractionEvent(
                kind="queue_left", detail={"result": result, "queue_time": queue_time},
                occurred_at=started + timedelta(seconds=60 * (n + 1))))
        built.calls[name] = call
    hold = built.calls["call2"]
    hold.events.append(models.InteractionEvent(kind="held", detail={}, occurred_at=at(1, 9, 33)))
    hold.events.append(models.InteractionEvent(kind="resumed", detail={}, occurred_at=at(1, 9, 35)))
    for name, started, outcome, path, status in IVR_ONLY_CALLS:
        built.calls[name] = _call(db_session, name, started=started, ended=started + timedelta(minutes=1),
                                  ivr_outcome=outcome, ivr_path=path, order_status=status)
    # A dialer call waiting in a queue is not an inbound queue call.
    _call(db_session, "call9", started=at(1, 9, 15), ended=at(1, 9, 16), queue="support", direction="outbound")

    campaign = create_campaign(db_session, name="Autumn sale", profile_code="RU", caller_id="+74950000000",
                               default_region="RU")
    built.campaign_id = campaign.id
    leads = {}
    for list_name, lead_names in LEADS.items():
        call_list = models.CallList(campaign_id=campaign.id, name=list_name)
        db_session.add(call_list)
        db_session.flush()
        built.lists[list_name] = call_list.id
        for n, lead_name in enumerate(lead_names):
            lead = models.Lead(list_id=call_list.id, campaign_id=campaign.id, e164=f"+7912100{len(leads):04d}",
                               kind="mobile", row_number=n + 1)
            db_session.add(lead)
            db_session.flush()
            leads[lead_name] = lead
    for name, list_name, lead_name, placed, answered_by, agent, abandoned, machine, disposition in ATTEMPTS:
        lead = leads[lead_name]
        call_sid = f"CA{name:0>32}" if agent else None
        db_session.add(models.DialAttempt(
            campaign_id=campaign.id, lead_id=lead.id, e164=lead.e164, mode="progressive", status="completed",
            call_sid=call_sid, placed_at=placed, answered_by=answered_by,
            answered_at=placed + timedelta(seconds=10) if answered_by else None,
            connected_at=placed + timedelta(seconds=11) if agent else None,
            abandoned=abandoned, agent_marked_machine=machine, ended_at=placed + timedelta(minutes=3)))
        if agent:
            _call(db_session, name, call_sid=call_sid, started=placed, ended=placed + timedelta(minutes=3),
                  direction="outbound", agent_id=built.agents[agent], disposition=disposition)
    # Scheduled, never placed: not an attempt yet.
    db_session.add(models.DialAttempt(campaign_id=campaign.id, lead_id=leads["d"].id, e164=leads["d"].e164,
                                      mode="progressive", status="scheduled"))
    db_session.flush()
    return built


def _call(session, name, *, started, ended, direction="inbound", order_status=None, call_sid=None,
          **fields) -> models.Interaction:
    context = {"ivr": {"vars": {"order": {"number": "10001", "status": order_status}}}} if order_status else {}
    if fields.get("ivr_path"):
        fields.setdefault("ivr_flow", "order_tracking")
    call = models.Interaction(call_sid=call_sid or f"CA{name:0>32}", channel="voice", direction=direction,
                              status="completed", started_at=started, answered_at=started + timedelta(seconds=1),
                              ended_at=ended, context=context, **fields)
    session.add(call)
    session.flush()
    return call
