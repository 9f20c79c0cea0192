"""Call handling at the desk (hold, resume, cold transfer, click-to-dial) and the wrap-up time limit, on a real
Redis and database with a recording stand-in for the provider."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Callable
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from agent_console.desk import AGENT_DISCONNECTED, OUTCOME_MISSING, TRANSFER_ABANDONED, Desk, DeskError
from agent_console.routing import Router
from callcenter.telephony.provider import TelephonyError
from crm_core import models
from crm_core.dnc import add_do_not_call
from crm_core.errors import ValidationError
from crm_core.wrapup import Outcome
from tests.console.test_routing import FakeClock

CALLER = "+79161234567"


class FakeTelephony:
    """Records what the desk asks of the provider; `failing` names the requests that raise."""

    caller_id = "+74950000000"

    def __init__(self):
        self.requests: list[tuple] = []
        self.failing: set[str] = set()
        self.meanwhile: dict[str, Callable[[], None]] = {}  # what happens elsewhere while a request is on its way
        self.placed = 0

    def _check(self, what):
        if what in self.failing:
            raise TelephonyError("Call is not in-progress. Cannot redirect.", status=400, code=21220)

    def dequeue(self, queue_name, url, call_sid="Front"):
        self.meanwhile.pop("dequeue", lambda: None)()
        self._check("dequeue")
        self.requests.append(("dequeue", call_sid, url))

    def hang_up(self, call_sid):
        self._check("hang_up")
        self.requests.append(("hang_up", call_sid))

    def redirect_call(self, call_sid, url):
        self._check("redirect")
        self.requests.append(("redirect", call_sid, url))

    def place_call(self, to, *, url, status_callback, timeout=30):
        self._check("place_call")
        self.placed += 1
        sid = "CA" + f"{self.placed:032x}"
        self.requests.append(("place_call", to, url, status_callback))
        return SimpleNamespace(sid=sid, status="queued")


class Outbox(list):
    """The events the desk sent: (event, payload, agent_id)."""

    def __call__(self, event, payload, *, agent_id=None, at_once=False):
        self.append((event, payload, agent_id))

    def to(self, agent_id, event):
        return [p for e, p, a in self if e == event and a == agent_id]

    def floor(self, event):
        return [p for e, p, a in self if e == event and a is None]


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def telephony():
    return FakeTelephony()


@pytest.fixture
def outbox():
    return Outbox()


@pytest.fixture
def desk(db_session, redis_client, clock, telephony, outbox):
    return Desk(session=db_session, router=Router(redis_client, offer_timeout=15, clock=clock), telephony=telephony,
                notify=outbox, webhook_url=lambda endpoint, **values: f"https://cc.test/{endpoint}?{urlencode(values)}",
                default_region="RU", disconnect_grace=30, wrap_up_limit=60)


@pytest.fixture
def agent(desk, make_user, clock):
    """An agent signed in to routing and available (each one idle a second longer than the next)."""

    def make(name, skills=(), available=True):
        user = make_user("agent", full_name=name, skills=list(skills))
        desk.router.sign_in(user.id, name=name, skills=list(skills), languages=[])
        if available:
            desk.set_state(user.id, "available")
        clock.advance(1)
        return user

    return make


@pytest.fixture
def customer(make_customer, make_order, make_interaction):
    maria = make_customer(first_name="Мария", last_name="Иванова", phones=(CALLER,))
    make_order(maria, number="10045", status="in_transit")
    make_interaction(maria, disposition="resolved", notes="Спрашивала про доставку")
    return maria


@pytest.fixture
def connected(desk, customer, make_interaction):
    """A caller waiting in `queue` is offered to and accepted by `agent`; returns the interaction."""

    def connect(agent, queue="support", call_sid="CA" + "c" * 32, skill=""):
        call = make_interaction(customer, call_sid=call_sid, direction="inbound", from_number=CALLER,
                                to_number="+74950000000", status="in-progress", language="ru",
                                context={"skill": skill} if skill else {})
        desk.call_waiting(call, queue)
        desk.accept(agent.id, call_sid)
        assert desk.router.agent(agent.id).state == "on_call"
        return call

    return connect


@pytest.fixture
def waiting(desk, customer, make_interaction):
    """A caller waiting in the support queue for an agent (offered to the first one available)."""
    call = make_interaction(customer, call_sid="CA" + "e" * 32, direction="inbound", from_number=CALLER,
                            status="in-progress", language="ru")
    desk.call_waiting(call, "support")
    return call


def events_of(db_session, interaction):
    db_session.flush()
    db_session.expire(interaction, ["events"])
    return [(e.kind, e.detail) for e in interaction.events]


def test_the_floor_hears_a_caller_join_the_queue_once_not_at_every_hold_prompt(desk, waiting, outbox):
    for _ in range(2):  # the caller's hold prompt asks again every few seconds
        desk.call_waiting(waiting, "support")
    assert outbox.floor("queue") == [{"name": "support", "call_sids": [waiting.call_sid]}]


# -- hold and resume ---------------------------------------------------------------------------------------------

def test_hold_plays_the_hold_loop_to_the_caller_and_resume_rings_the_agent_again(desk, agent, connected, telephony,
                                                                                 outbox, db_session):
    olga = agent("Ольга")
    call = connected(olga)
    status = desk.hold(olga.id)
    assert status.held and status.state == "on_call"
    assert telephony.requests[-1] == ("redirect", call.call_sid, "https://cc.test/voice.hold_call?agent=%d" % olga.id)
    assert outbox.to(olga.id, "agent_state")[-1]["held"] is True

    # the agent's leg drops when the caller leaves the <Dial> for the hold loop: that is not the end of the call
    desk.agent_leg_ended(olga.id, call.call_sid)
    assert desk.router.agent(olga.id).state == "on_call"
    assert outbox.to(olga.id, "call_ended") == []

    status = desk.resume(olga.id)
    assert not status.held
    assert telephony.requests[-1] == ("redirect", call.call_sid, f"https://cc.test/voice.resume_call?agent={olga.id}")
    assert outbox.to(olga.id, "agent_state")[-1]["held"] is False
    assert [k for k, _ in events_of(db_session, call)][-2:] == ["held", "resumed"]

    desk.agent_leg_ended(olga.id, call.call_sid)  # the conversation after the hold is over
    assert desk.router.agent(olga.id).state == "wrap_up"
    assert outbox.to(olga.id, "call_ended") == [{"call_sid": call.call_sid, "interaction_id": call.id}]


def test_hold_and_resume_are_refused_out_of_place(desk, agent, connected):
    olga = agent("Ольга")
    with pytest.raises(DeskError, match="not on a call"):
        desk.hold(olga.id)
    connected(olga)
    with pytest.raises(DeskError, match="not on hold"):
        desk.resume(olga.id)
    desk.hold(olga.id)
    with pytest.raises(DeskError, match="already on hold"):
        desk.hold(olga.id)


def test_a_hold_the_provider_refuses_leaves_the_call_as_it_was(desk, agent, connected, telephony):
    olga = agent("Ольга")
    connected(olga)
    telephony.failing.add("redirect")
    with pytest.raises(DeskError, match="could not be put on hold"):
        desk.hold(olga.id)
    assert not desk.router.agent(olga.id).held


def test_caller_hanging_up_while_on_hold_sends_the_agent_to_wrap_up(desk, agent, connected, outbox):
    olga = agent("Ольга")
    call = connected(olga)
    desk.hold(olga.id)
    desk.call_finished(call.call_sid)
    status = desk.router.agent(olga.id)
    assert (status.state, status.held) == ("wrap_up", False)
    assert outbox.to(olga.id, "call_ended")[-1]["interaction_id"] == call.id


def test_a_caller_leaving_the_queue_after_an_agent_accepted_sends_that_agent_to_wrap_up(desk, agent, connected,
                                                                                        outbox):
    olga = agent("Ольга")
    call = connected(olga)  # accepted; the caller's wait-URL answer takes them out of the queue meanwhile
    desk.caller_left(call.call_sid)
    desk.call_finished(call.call_sid)  # and the final status comes later
    assert desk.router.agent(olga.id).state == "wrap_up"
    assert len(outbox.to(olga.id, "call_ended")) == 1


def test_a_caller_who_hung_up_before_the_accepted_call_connected_frees_the_agent_for_the_next_caller(
        desk, agent, waiting, customer, make_interaction, telephony, outbox):
    olga, call = agent("Ольга"), waiting
    next_caller = make_interaction(customer, call_sid="CA" + "f" * 32, direction="inbound", from_number=CALLER,
                                   status="in-progress", language="ru")
    desk.call_waiting(next_caller, "support")  # waits: Ольга has the first call's offer
    telephony.failing.add("dequeue")
    with pytest.raises(DeskError, match="the caller is no longer waiting"):
        desk.accept(olga.id, call.call_sid)
    assert desk.router.call(call.call_sid) is None
    assert desk.router.agent(olga.id).state == "ringing"
    assert outbox.to(olga.id, "offer")[-1]["call"]["call_sid"] == next_caller.call_sid


def test_a_hang_up_handled_while_the_agent_accepts_sends_the_agent_to_wrap_up_and_accept_says_the_caller_left(
        desk, agent, waiting, telephony, outbox):
    olga, call = agent("Ольга"), waiting
    telephony.meanwhile["dequeue"] = lambda: desk.caller_left(call.call_sid)  # another web process got it first
    telephony.failing.add("dequeue")
    with pytest.raises(DeskError, match="the caller is no longer waiting"):
        desk.accept(olga.id, call.call_sid)
    assert desk.router.agent(olga.id).state == "wrap_up"
    assert len(outbox.to(olga.id, "call_ended")) == 1


# -- cold transfer -----------------------------------------------------------------------------------------------

def test_cold_transfer_to_a_named_agent_offers_the_call_to_them_with_who_transferred_it(
        desk, agent, connected, telephony, outbox, db_session):
    olga, idle_longest, ivan = agent("Ольга"), agent("Пётр"), agent("Иван")
    call = connected(olga)  # goes to Ольга, the longest idle then
    answer = desk.transfer(olga.id, to_agent=ivan.id, note="Хочет вернуть чайник")
    assert answer == {"call_sid": call.call_sid, "queue": "support", "to": "Иван"}
    assert telephony.requests[-1] == ("redirect", call.call_sid, "https://cc.test/voice.transfer_call?queue=support")
    assert desk.router.agent(olga.id).state == "available"  # free at once: the next agent wraps the call up
    assert outbox.to(olga.id, "call_transferred") == [{"call_sid": call.call_sid, "interaction_id": call.id,
                                                        "to": "Иван"}]
    assert call.agent_id is None and call.context["transfer"]["by"] == "Ольга"
    assert ("transferred", {"from_agent_id": olga.id, "to_agent_id": ivan.id, "queue": "support",
                            "note": "Хочет вернуть чайник"}) in events_of(db_session, call)

    desk.call_waiting(call, "support")  # the caller is in the queue again (their wait music asks)
    assert outbox.to(idle_longest.id, "offer") == []  # Пётр has waited longest, but the call is meant for Иван
    [offer] = outbox.to(ivan.id, "offer")
    assert offer["call"]["transfer"]["by"] == "Ольга"
    assert offer["call"]["transfer"]["note"] == "Хочет вернуть чайник"
    assert offer["history"]["customer"]["display_name"] == "Мария Иванова"
    assert [o["number"] for o in offer["history"]["orders"]] == ["10045"]
    desk.accept(ivan.id, call.call_sid)
    assert call.agent_id == ivan.id
    assert telephony.requests[-1][:2] == ("dequeue", call.call_sid)


def test_a_transfer_the_named_agent_declines_goes_to_the_queue_but_not_back(desk, agent, connected, outbox):
    olga, ivan, petr = agent("Ольга"), agent("Иван"), agent("Пётр")
    call = connected(olga)
    outbox.clear()
    desk.transfer(olga.id, to_agent=ivan.id)
    desk.call_waiting(call, "support")
    desk.decline(ivan.id, call.call_sid)
    assert [o["call"]["call_sid"] for o in outbox.to(petr.id, "offer")] == [call.call_sid]
    assert outbox.to(olga.id, "offer") == []  # Ольга is available and idle longest, but she passed it on


def test_a_transfer_whose_agent_went_away_reaches_anyone_after_a_while(desk, agent, connected, outbox, clock):
    olga, ivan, petr = agent("Ольга"), agent("Иван"), agent("Пётр")
    call = connected(olga)
    desk.transfer(olga.id, to_agent=ivan.id)
    desk.set_state(ivan.id, "break", "lunch")
    desk.call_waiting(call, "support")
    assert outbox.to(petr.id, "offer") == []
    clock.advance(31)
    desk.sweep()
    assert [o["call"]["call_sid"] for o in outbox.to(petr.id, "offer")] == [call.call_sid]


def test_transfer_to_an_agent_who_is_not_available_is_refused(desk, agent, connected):
    olga, ivan = agent("Ольга"), agent("Иван", available=False)
    connected(olga)
    with pytest.raises(DeskError, match="Иван is not available"):
        desk.transfer(olga.id, to_agent=ivan.id)
    with pytest.raises(ValidationError):
        desk.transfer(olga.id, to_agent=olga.id)
    with pytest.raises(ValidationError):
        desk.transfer(olga.id, queue="no such queue!")
    assert desk.router.agent(olga.id).state == "on_call"


def test_cold_transfer_to_a_skill_queue_reaches_an_agent_with_that_skill(desk, agent, connected, outbox, telephony):
    olga, orders_agent, sales_agent = agent("Ольга"), agent("Заказы", ["orders"]), agent("Продажи", ["sales"])
    call = connected(olga, skill="orders")
    assert "sales" in desk.transfer_targets(olga.id)["queues"]
    desk.transfer(olga.id, queue="sales")
    assert telephony.requests[-1] == ("redirect", call.call_sid, "https://cc.test/voice.transfer_call?queue=sales")
    desk.call_waiting(call, "sales")
    assert outbox.to(orders_agent.id, "offer") == []
    [offer] = outbox.to(sales_agent.id, "offer")
    assert offer["call"]["queue"] == "sales" and offer["call"]["transfer"]["to"] == "sales"


def test_transfer_targets_list_the_other_agents_and_the_queues(desk, agent):
    olga, ivan, petr = agent("Ольга", ["orders"]), agent("Иван"), agent("Пётр", available=False)
    desk.set_state(petr.id, "break", "lunch")
    targets = desk.transfer_targets(olga.id)
    assert targets["agents"] == [{"agent_id": ivan.id, "name": "Иван", "state": "available"},
                                 {"agent_id": petr.id, "name": "Пётр", "state": "break"}]
    assert {"support", "orders"} <= set(targets["queues"])


def test_caller_hanging_up_during_a_transfer_is_flagged_for_review(desk, agent, connected, outbox, db_session):
    olga, ivan = agent("Ольга"), agent("Иван")
    call = connected(olga)
    desk.transfer(olga.id, to_agent=ivan.id)
    desk.call_finished(call.call_sid)
    assert call.review_reason == TRANSFER_ABANDONED
    assert outbox.floor("call_flagged")[-1]["reason"] == TRANSFER_ABANDONED
    assert desk.router.call(call.call_sid) is None


def test_a_transfer_of_a_call_that_just_ended_leaves_it_to_its_agent_to_wrap_up(desk, agent, connected, telephony):
    olga, ivan = agent("Ольга"), agent("Иван")
    call = connected(olga)
    telephony.failing.add("redirect")
    with pytest.raises(DeskError) as error:
        desk.transfer(olga.id, to_agent=ivan.id)
    assert error.value.keep_changes
    assert desk.router.agent(olga.id).state == "wrap_up"
    assert desk.router.call(call.call_sid) is None


# -- click-to-dial -----------------------------------------------------------------------------------------------

def test_click_to_dial_places_the_call_and_opens_its_interaction(desk, agent, customer, telephony, outbox,
                                                                  db_session):
    olga = agent("Ольга")
    call = desk.dial(olga.id, "8 916 123-45-67", customer_id=customer.id)
    [placed] = [r for r in telephony.requests if r[0] == "place_call"]
    assert placed == ("place_call", CALLER, f"https://cc.test/voice.dialed_answered?agent={olga.id}",
                      "https://cc.test/voice.status?")
    assert (call.direction, call.to_number, call.from_number, call.agent_id, call.customer_id) == (
        "outbound", CALLER, "+74950000000", olga.id, customer.id)
    status = desk.router.agent(olga.id)
    assert (status.state, status.call_sid) == ("on_call", call.call_sid)
    # the console hears of the call (with the customer's history) before the state that refers to it
    names = [e for e, _, a in outbox if a == olga.id]
    assert names.index("outbound_call") < len(names) - 1 and names[-1] == "agent_state"
    [pop] = outbox.to(olga.id, "outbound_call")
    assert pop["history"]["customer"]["display_name"] == "Мария Иванова"

    with pytest.raises(DeskError, match="not answered yet"):
        desk.hold(olga.id)
    desk.outbound_answered(olga.id, call.call_sid)
    assert outbox.to(olga.id, "call_connected") == [{"call_sid": call.call_sid, "interaction_id": call.id}]
    desk.call_finished(call.call_sid)
    assert desk.router.agent(olga.id).state == "wrap_up"
    desk.wrap_up(olga.id, call.id, Outcome("sale", "Купила чайник"))
    assert (call.disposition, desk.router.agent(olga.id).state) == ("sale", "available")
    assert db_session.scalar(sa.select(sa.func.count()).select_from(models.Interaction)
                             .where(models.Interaction.to_number == CALLER)) == 1


def test_click_to_dial_refuses_a_do_not_call_number(desk, agent, telephony, db_session, outbox):
    olga = agent("Ольга")
    add_do_not_call(db_session, CALLER, source="disposition", reason="asked")
    with pytest.raises(DeskError, match=r"\+79161234567 is on the do-not-call list"):
        desk.dial(olga.id, "+7 916 123 45 67")
    assert telephony.requests == []
    assert desk.router.agent(olga.id).state == "available"


def test_click_to_dial_ignores_another_campaigns_list_but_not_a_bad_number(desk, agent, telephony, db_session):
    olga = agent("Ольга")
    add_do_not_call(db_session, CALLER, source="supervisor", campaign_id=7)
    desk.dial(olga.id, CALLER)
    assert telephony.placed == 1
    with pytest.raises(DeskError, match="only when available or on a break"):
        desk.dial(olga.id, CALLER)  # already on a call
    with pytest.raises(ValidationError) as error:
        desk.dial(agent("Иван").id, "12")
    assert error.value.field == "number"


def test_a_call_the_provider_refuses_puts_the_agent_back(desk, agent, telephony):
    olga = agent("Ольга")
    desk.set_state(olga.id, "break", "training")
    telephony.failing.add("place_call")
    with pytest.raises(DeskError, match="could not be placed"):
        desk.dial(olga.id, CALLER)
    status = desk.router.agent(olga.id)
    assert (status.state, status.reason) == ("break", "training")


# -- every call ends with an outcome, or a flag ------------------------------------------------------------------

def test_wrap_up_past_its_time_limit_is_flagged_and_the_agent_made_available(desk, agent, connected, clock, outbox,
                                                                             db_session):
    olga = agent("Ольга")
    call = connected(olga)
    desk.call_finished(call.call_sid)
    clock.advance(59)
    desk.sweep()
    assert desk.router.agent(olga.id).state == "wrap_up" and call.review_reason is None
    clock.advance(2)
    desk.sweep()
    assert desk.router.agent(olga.id).state == "available"
    assert call.review_reason == OUTCOME_MISSING and call.disposition is None
    assert outbox.to(olga.id, "wrap_up_expired") == [{"call_sid": call.call_sid, "interaction_id": call.id}]
    assert outbox.floor("call_flagged")[-1] == {"call_sid": call.call_sid, "interaction_id": call.id,
                                                "reason": OUTCOME_MISSING, "agent_id": olga.id}
    states = db_session.scalars(sa.select(models.AgentStateChange.state).where(
        models.AgentStateChange.user_id == olga.id).order_by(models.AgentStateChange.id)).all()
    assert states[-2:] == ["wrap_up", "available"]

    # an outcome recorded late still counts, and clears the flag
    desk.wrap_up(olga.id, call.id, Outcome("resolved"))
    assert (call.disposition, call.review_reason) == ("resolved", None)


def test_a_call_whose_agent_vanished_is_flagged_for_review_and_never_dropped(desk, agent, connected, clock, outbox):
    olga = agent("Ольга")
    call = connected(olga)
    desk.router.connection_opened(olga.id)
    desk.router.connection_closed(olga.id)
    clock.advance(31)
    desk.sweep()
    assert desk.router.agent(olga.id).state == "offline"
    assert call.review_reason == AGENT_DISCONNECTED
    assert outbox.floor("call_flagged")[-1]["reason"] == AGENT_DISCONNECTED
    desk.call_finished(call.call_sid)  # the call ends later: its record stays, flagged
    assert call.review_reason == AGENT_DISCONNECTED and call.id is not None
    assert desk.router.call(call.call_sid) is None


def test_a_caller_left_on_hold_by_a_vanished_agent_goes_back_to_the_queue(desk, agent, connected, clock, outbox,
                                                                          telephony):
    olga = agent("Ольга")
    call = connected(olga)
    desk.hold(olga.id)
    desk.router.connection_opened(olga.id)
    desk.router.connection_closed(olga.id)
    ivan = agent("Иван")
    clock.advance(31)
    desk.sweep()
    assert telephony.requests[-1] == ("redirect", call.call_sid, "https://cc.test/voice.transfer_call?queue=support")
    assert desk.router.agent(olga.id).state == "offline"
    desk.call_waiting(call, "support")
    [offer] = outbox.to(ivan.id, "offer")
    assert offer["call"]["transfer"]["note"] == AGENT_DISCONNECTED
