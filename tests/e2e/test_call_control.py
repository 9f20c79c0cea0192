"""Call handling through the sandbox: hold and resume, cold transfer to an agent and to a queue, click-to-dial."""

import pytest
import sqlalchemy as sa

from crm_core import models
from crm_core.db import utcnow
from crm_core.dnc import add_do_not_call
from crm_core.users import create_user
from tests.conftest import wait_until
from tests.monitoring.rooms import devices_in_room, room_of

CALLER = "+79161234567"
CALLEE = "+79265550000"


@pytest.fixture
def customer(committed_session):
    maria = models.Customer(first_name="Мария", last_name="Иванова", language="ru")
    maria.phones = [models.PhoneNumber(e164=CALLER, kind="mobile", region="RU", is_primary=True)]
    committed_session.add(maria)
    committed_session.flush()
    committed_session.add(models.Order(customer_id=maria.id, number="10045", status="shipped", total_minor=349000,
                                       placed_at=utcnow(), items=[]))
    committed_session.commit()
    return maria


@pytest.fixture
def make_agent(committed_session, live_platform):
    """A committed agent whose sandbox device answers by itself and stays on the line."""

    def make(username, full_name, skills=()):
        user = create_user(committed_session, username=username, full_name=full_name, role="agent",
                           password="correct horse", skills=list(skills), languages=["ru"])
        committed_session.commit()
        live_platform.sandbox.add_device(f"client:agent-{user.id}", auto_answer=True, answer_after=0.5)
        return user

    return make


def ask(desk, event, data=None):
    return desk.call(event, data or {}, namespace="/desk", timeout=10)


def transcript(live_platform, call_sid):
    return live_platform.sandbox.call(call_sid)["transcript"]


def bridges(live_platform, call_sid):
    """Whose devices joined the caller in the call's conference, in order."""
    return devices_in_room(live_platform.sandbox, call_sid)


def call_in_and_accept(live_platform, desk):
    call_sid = live_platform.sandbox.place_call(CALLER, live_platform.number, [{"press": "0"}], patience=600)
    offer = desk.inbox.wait_for("offer", where=lambda o: o["call"]["call_sid"] == call_sid)
    assert ask(desk, "accept", {"call_sid": call_sid})["ok"]
    wait_until(lambda: bridges(live_platform, call_sid))
    return call_sid, offer


def interaction_of(committed_session, call_sid):
    committed_session.expire_all()
    return committed_session.scalars(sa.select(models.Interaction).where(models.Interaction.call_sid == call_sid)).one()


def test_held_caller_hears_the_hold_message_and_music_then_the_agent_again(live_platform, committed_session,
                                                                           console_client, customer, make_agent):
    olga = make_agent("olga", "Ольга Агентова")
    desk = console_client(olga.id)
    assert ask(desk, "set_state", {"state": "available"})["ok"]
    call_sid, _ = call_in_and_accept(live_platform, desk)

    assert ask(desk, "hold") == {"ok": True, "held": True}
    desk.inbox.wait_for("agent_state", where=lambda s: s["held"])
    wait_until(lambda: any(e["event"] == "play" for e in transcript(live_platform, call_sid)))
    assert ask(desk, "resume") == {"ok": True, "held": False}
    wait_until(lambda: len(bridges(live_platform, call_sid)) == 2)
    # Leaving the conference for the hold loop made Twilio request the Dial's action (DialCallStatus=completed):
    # the desk knew the caller was on hold, so no wrap-up began.
    ignored = [e["url"] for e in transcript(live_platform, call_sid) if e["event"] == "fetch" and e.get("ignored")]
    assert [url for url in ignored if "/voice/connect/" in url] == [
        f"{live_platform.url}/voice/connect/done?agent={olga.id}"]
    assert "call_ended" not in [name for name, _ in desk.inbox.events]
    assert ask(desk, "hangup")["ok"]
    events = live_platform.sandbox.wait(call_sid)["transcript"]

    heard = [(e["event"], e.get("text") or e.get("url") or e.get("name")) for e in events
             if e["event"] in ("conference", "say", "play")]
    first, second = [i for i, (kind, _) in enumerate(heard) if kind == "conference"]
    on_hold = heard[first + 1:second]
    assert on_hold[0] == ("say", "Пожалуйста, оставайтесь на линии: оператор поставил звонок на удержание и скоро "
                                 "вернётся.")
    assert ("play", live_platform.url + "/console/hold-music.wav") in on_hold
    assert on_hold[-1] == ("say", "Спасибо за ожидание.")
    assert heard[first][1] == heard[second][1] == room_of(call_sid)
    assert bridges(live_platform, call_sid) == [f"client:agent-{olga.id}"] * 2

    ended = desk.inbox.wait_for("call_ended")
    assert ask(desk, "wrap_up", {"interaction_id": ended["interaction_id"], "disposition": "resolved",
                                 "notes": "Уточнила у склада"})["ok"]
    interaction = interaction_of(committed_session, call_sid)
    kinds = [e.kind for e in interaction.events]
    assert kinds.index("held") < kinds.index("resumed") < kinds.index("wrap_up")
    assert (interaction.agent_id, interaction.disposition) == (olga.id, "resolved")


def test_cold_transfer_to_an_agent_reaches_them_with_the_context_and_history(live_platform, committed_session,
                                                                             console_client, customer, make_agent):
    olga, ivan = make_agent("olga", "Ольга Агентова"), make_agent("ivan", "Иван Петров")
    desk_olga, desk_ivan = console_client(olga.id), console_client(ivan.id)
    assert ask(desk_olga, "set_state", {"state": "available"})["ok"]
    call_sid, _ = call_in_and_accept(live_platform, desk_olga)
    assert ask(desk_ivan, "set_state", {"state": "available"})["ok"]

    answer = ask(desk_olga, "transfer", {"to_agent": ivan.id, "note": "Хочет изменить адрес доставки"})
    assert answer == {"ok": True, "call_sid": call_sid, "queue": "support", "to": "Иван Петров"}
    desk_olga.inbox.wait_for("call_transferred")
    desk_olga.inbox.wait_for("agent_state", where=lambda s: s["state"] == "available" and not s["call_sid"])

    offer = desk_ivan.inbox.wait_for("offer")
    assert offer["call"]["call_sid"] == call_sid
    assert offer["call"]["transfer"]["by"] == "Ольга Агентова"
    assert offer["call"]["transfer"]["note"] == "Хочет изменить адрес доставки"
    assert offer["call"]["ivr_path"][-2:] == ["main_menu:0", "agent"]
    assert offer["history"]["customer"]["display_name"] == "Мария Иванова"
    assert [o["number"] for o in offer["history"]["orders"]] == ["10045"]
    assert ask(desk_ivan, "accept", {"call_sid": call_sid})["ok"]
    wait_until(lambda: len(bridges(live_platform, call_sid)) == 2)
    assert bridges(live_platform, call_sid) == [f"client:agent-{olga.id}", f"client:agent-{ivan.id}"]
    assert "call_ended" not in [name for name, _ in desk_olga.inbox.events]  # her Dial's action changed nothing
    said = [e["text"] for e in transcript(live_platform, call_sid) if e["event"] == "say"]
    assert "Переводим ваш звонок. Пожалуйста, оставайтесь на линии." in said

    assert ask(desk_ivan, "hangup")["ok"]
    ended = desk_ivan.inbox.wait_for("call_ended")
    assert ask(desk_ivan, "wrap_up", {"interaction_id": ended["interaction_id"],
                                      "disposition": "resolved", "notes": "Адрес изменён"})["ok"]
    interaction = interaction_of(committed_session, call_sid)
    assert (interaction.agent_id, interaction.disposition) == (ivan.id, "resolved")
    assert interaction.context["transfer"]["by_agent_id"] == olga.id
    assert "transferred" in [e.kind for e in interaction.events]
    olga_states = committed_session.scalars(
        sa.select(models.AgentStateChange.state).where(models.AgentStateChange.user_id == olga.id)
        .order_by(models.AgentStateChange.id)).all()
    assert olga_states == ["available", "ringing", "on_call", "available"]  # no wrap-up of hers: Иван's call now


def test_cold_transfer_to_a_queue_goes_to_an_agent_of_that_queue(live_platform, committed_session, console_client,
                                                                  customer, make_agent):
    olga, seller = make_agent("olga", "Ольга Агентова", ["orders"]), make_agent("pavel", "Павел Продажин", ["sales"])
    desk_olga, desk_seller = console_client(olga.id), console_client(seller.id)
    assert ask(desk_olga, "set_state", {"state": "available"})["ok"]
    assert ask(desk_seller, "set_state", {"state": "available"})["ok"]  # no "orders" skill: not offered the call
    call_sid, _ = call_in_and_accept(live_platform, desk_olga)

    assert ask(desk_olga, "transfer", {"queue": "sales"})["ok"]
    offer = desk_seller.inbox.wait_for("offer")
    assert (offer["call"]["call_sid"], offer["call"]["queue"]) == (call_sid, "sales")
    assert offer["call"]["transfer"]["to"] == "sales" and offer["call"]["transfer"]["by"] == "Ольга Агентова"
    assert ask(desk_seller, "accept", {"call_sid": call_sid})["ok"]
    wait_until(lambda: len(bridges(live_platform, call_sid)) == 2)
    enqueued = [e["queue"] for e in transcript(live_platform, call_sid) if e["event"] == "enqueue"]
    assert enqueued == ["support", "sales"]
    live_platform.sandbox.hangup(call_sid)
    ended = desk_seller.inbox.wait_for("call_ended")
    assert ask(desk_seller, "wrap_up", {"interaction_id": ended["interaction_id"], "disposition": "sale"})["ok"]
    assert interaction_of(committed_session, call_sid).agent_id == seller.id


def test_click_to_dial_reaches_the_callee_and_is_wrapped_up_as_one_interaction(live_platform, committed_session,
                                                                               console_client, customer, make_agent):
    olga = make_agent("olga", "Ольга Агентова")
    live_platform.sandbox.add_callee(CALLEE, "human", answer_after=1, talk_for=600)
    desk = console_client(olga.id)
    assert ask(desk, "set_state", {"state": "break", "reason": "training"})["ok"]

    answer = ask(desk, "dial", {"number": "8 926 555-00-00", "customer_id": customer.id})
    assert answer["ok"], answer
    call_sid = answer["call_sid"]
    pop = desk.inbox.wait_for("outbound_call")
    assert pop["call"]["call_sid"] == call_sid and pop["history"]["customer"]["display_name"] == "Мария Иванова"
    desk.inbox.wait_for("call_connected", where=lambda c: c["call_sid"] == call_sid)
    wait_until(lambda: bridges(live_platform, call_sid))  # the agent's device took the call; they talk
    assert ask(desk, "hangup")["ok"]
    call = live_platform.sandbox.wait(call_sid)
    assert (call["to"], call["from"], call["status"]) == (CALLEE, live_platform.number, "completed")
    assert bridges(live_platform, call_sid) == [f"client:agent-{olga.id}"]

    ended = desk.inbox.wait_for("call_ended")
    assert ended == {"call_sid": call_sid, "interaction_id": answer["interaction_id"]}
    assert ask(desk, "wrap_up", {"interaction_id": ended["interaction_id"], "disposition": "sale",
                                 "notes": "Заказала второй чайник"})["ok"]
    committed_session.expire_all()
    [interaction] = committed_session.scalars(
        sa.select(models.Interaction).where(models.Interaction.to_number == CALLEE)).all()
    assert interaction.call_sid == call_sid
    assert (interaction.direction, interaction.status, interaction.agent_id, interaction.customer_id) == (
        "outbound", "completed", olga.id, customer.id)
    assert (interaction.disposition, interaction.notes) == ("sale", "Заказала второй чайник")
    assert interaction.answered_at is not None and interaction.talk_seconds is not None
    kinds = [e.kind for e in interaction.events]
    assert kinds.index("dialed") < kinds.index("agent_connecting") < kinds.index("wrap_up")
    desk.inbox.wait_for("agent_state", where=lambda s: s["state"] == "available")


def test_click_to_dial_of_a_do_not_call_number_places_no_call(live_platform, committed_session, console_client,
                                                              make_agent):
    olga = make_agent("olga", "Ольга Агентова")
    add_do_not_call(committed_session, CALLEE, source="disposition", reason="asked on an earlier call")
    committed_session.commit()
    desk = console_client(olga.id)
    assert ask(desk, "set_state", {"state": "available"})["ok"]
    answer = ask(desk, "dial", {"number": CALLEE})
    assert answer == {"ok": False, "error": f"{CALLEE} is on the do-not-call list: it must not be called",
                      "field": None}
    assert not [r for r in live_platform.sandbox.request_log() if r["path"].endswith("/Calls.json")]
