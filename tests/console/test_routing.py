"""The ACD on a real Redis: longest-idle matching agent, offers that expire, nothing offered twice."""

import threading

import pytest

from agent_console.routing import MISSED_OFFER, Offer, QueuedCall, Router, RoutingError


class FakeClock:
    """Time that tests move by hand."""

    def __init__(self, now: float = 1_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def router(redis_client, clock):
    """A router with 15 s offers on the test Redis."""
    return Router(redis_client, offer_timeout=15, clock=clock)


@pytest.fixture
def agents(router, clock):
    """Sign agents in and make them available one second apart (so the first is the longest idle)."""

    def make(*specs):
        for agent_id, skills, languages in specs:
            router.sign_in(agent_id, name=f"Agent {agent_id}", skills=skills, languages=languages)
            router.set_state(agent_id, "available")
            clock.advance(1)

    return make


def call(sid, **kw):
    return QueuedCall(call_sid=sid, interaction_id=int(sid[-1]) if sid[-1].isdigit() else 1, **kw)


def test_call_goes_to_the_longest_idle_agent(router, agents):
    agents((1, ["orders"], ["ru"]), (2, ["orders"], ["ru"]))
    assert router.enqueue(call("CA1", skill="orders", language="ru")).offers == [Offer("CA1", 1)]
    assert router.agent(1).state == "ringing" and router.agent(1).call_sid == "CA1"
    assert router.agent(2).state == "available"


def test_skill_and_language_must_match(router, agents):
    agents((1, ["sales"], ["ru"]), (2, ["orders"], ["ru"]), (3, ["orders"], ["en", "ru"]))
    assert router.enqueue(call("CA1", skill="orders", language="en")).offers == [Offer("CA1", 3)]
    assert router.enqueue(call("CA2", skill="returns", language="ru")).offers == []
    assert router.position("CA2") == 1


def test_waiting_call_is_offered_when_an_agent_becomes_available(router, agents, clock):
    router.enqueue(call("CA1"))
    router.enqueue(call("CA2"))
    assert router.waiting("support") == ["CA1", "CA2"]
    assert router.position("CA2") == 2
    router.sign_in(7, name="Olga", skills=[], languages=[])
    _, offers = router.set_state(7, "available")
    assert offers == [Offer("CA1", 7)]
    assert router.position("CA2") == 1


def test_accepted_offer_puts_agent_on_call_then_wrap_up(router, agents):
    agents((1, [], []))
    router.enqueue(call("CA1"))
    accepted = router.accept(1, "CA1")
    assert accepted.agent_id == 1
    assert router.agent(1).state == "on_call"
    assert router.call_ended(1).state == "wrap_up"
    with pytest.raises(RoutingError):
        router.set_state(1, "ringing")
    status, _ = router.set_state(1, "available")
    assert status.state == "available"


def test_offer_not_accepted_in_time_goes_to_the_next_agent_and_first_is_unavailable(router, agents, clock):
    agents((1, [], []), (2, [], []))
    router.enqueue(call("CA1"))
    clock.advance(14)
    assert router.expire_offers() == ([], [])
    clock.advance(2)
    expired, offers = router.expire_offers()
    assert expired == [Offer("CA1", 1)] and offers == [Offer("CA1", 2)]
    assert (router.agent(1).state, router.agent(1).reason) == ("break", MISSED_OFFER)
    with pytest.raises(RoutingError):
        router.accept(1, "CA1")  # too late


def test_expired_offer_cannot_be_accepted_even_before_the_sweep(router, agents, clock):
    agents((1, [], []))
    router.enqueue(call("CA1"))
    clock.advance(16)
    with pytest.raises(RoutingError):
        router.accept(1, "CA1")


def test_declined_call_goes_elsewhere_and_keeps_its_place(router, agents):
    agents((1, [], []))
    router.enqueue(call("CA1"))
    router.enqueue(call("CA2"))
    assert router.decline(1, "CA1") == [Offer("CA2", 1)]
    assert router.waiting("support") == ["CA1"]  # not offered again to the agent who declined it
    assert router.agent(1).state == "ringing"


def test_caller_hanging_up_withdraws_the_offer(router, agents):
    agents((1, [], []))
    router.enqueue(call("CA1"))
    withdrawn, offers = router.leave("CA1")
    assert (withdrawn, offers) == (1, [])
    assert router.agent(1).state == "available"
    assert router.call("CA1") is None
    assert router.leave("CA1") == (None, [])


def test_same_call_enqueued_twice_keeps_one_place(router, clock):
    router.enqueue(call("CA1"))
    clock.advance(5)
    router.enqueue(call("CA2"))
    assert router.enqueue(call("CA1")).joined is False
    assert router.waiting("support") == ["CA1", "CA2"]


def test_agents_on_calls_cannot_go_on_break(router, agents):
    agents((1, [], []))
    router.enqueue(call("CA1"))
    with pytest.raises(RoutingError):
        router.set_state(1, "break", "lunch")


def test_concurrent_dispatch_never_offers_a_call_or_an_agent_twice(redis_client, clock):
    routers = [Router(redis_client, clock=clock) for _ in range(4)]
    for agent_id in range(1, 11):
        routers[0].sign_in(agent_id, name="a", skills=[], languages=[])
    for i in range(30):
        routers[0].enqueue(QueuedCall(call_sid=f"CA{i:03d}", interaction_id=i))
    offers: list[Offer] = []
    lock = threading.Lock()

    def work(router: Router, ids: range) -> None:
        for agent_id in ids:
            _, made = router.set_state(agent_id, "available")
            extra = router.dispatch()
            with lock:
                offers.extend(made + extra)

    threads = [threading.Thread(target=work, args=(routers[i % 4], range(i + 1, 11, 4))) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(offers) == 10
    assert len({o.call_sid for o in offers}) == 10
    assert len({o.agent_id for o in offers}) == 10


def test_agent_who_vanished_past_grace_is_found_and_signed_out(router, agents, clock):
    agents((1, [], []), (2, [], []))
    router.connection_opened(1)
    router.connection_opened(1)  # two tabs
    router.connection_closed(1)
    clock.advance(60)
    assert router.vanished(grace=30) == []
    router.connection_closed(1)
    clock.advance(10)
    assert router.vanished(grace=30) == []
    clock.advance(25)
    assert [a.agent_id for a in router.vanished(grace=30)] == [1]
    router.connection_opened(1)  # came back in time? no longer vanished
    assert router.vanished(grace=30) == []


def test_signing_out_a_ringing_agent_offers_the_call_to_another(router, agents):
    agents((1, [], []), (2, [], []))
    router.enqueue(call("CA1"))
    before, offers = router.sign_out(1, "disconnected")
    assert before.state == "ringing"
    assert offers == [Offer("CA1", 2)]
    assert router.agent(1).state == "offline"


def test_agent_without_configured_skills_or_languages_takes_any_call(router, agents):
    agents((1, [], []))
    assert router.enqueue(call("CA1", skill="orders", language="en")).offers == [Offer("CA1", 1)]


def test_agent_previewing_a_lead_is_offered_no_call_until_back_to_available(router, agents):
    agents((1, [], []))
    assert router.start_preview(1, {"campaign_id": 7, "lead_id": 70})
    assert not router.start_preview(1, {"campaign_id": 7, "lead_id": 71})  # one lead at a time
    assert router.enqueue(QueuedCall("CA1", interaction_id=1)).offers == []
    assert (router.agent(1).state, router.agent(1).preview) == ("preview", {"campaign_id": 7, "lead_id": 70})

    _, offers = router.set_state(1, "available")
    assert offers == [Offer("CA1", 1)] and router.agent(1).preview is None


def test_calling_the_previewed_lead_puts_the_agent_on_the_call(router, agents):
    agents((1, [], []))
    router.start_preview(1, {"campaign_id": 7, "lead_id": 70})
    before = router.start_outbound(1)
    router.preview_dialed(501, 1)
    assert before.state == "preview" and router.agent(1).state == "on_call"
    assert (router.preview_agent(501), router.preview_agent(502)) == (1, None)
