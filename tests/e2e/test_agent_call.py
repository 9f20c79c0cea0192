"""A caller reaches an agent through the sandbox: offer with screen-pop, accept, conversation, wrap-up."""

import sqlalchemy as sa

from crm_core import models
from crm_core.users import create_user
from tests.conftest import wait_until
from tests.monitoring.rooms import devices_in_room, room_of


def test_caller_is_offered_accepted_connected_and_the_outcome_is_logged(live_platform, committed_session,
                                                                        console_client):
    customer = models.Customer(first_name="Мария", last_name="Иванова", language="ru")
    customer.phones = [models.PhoneNumber(e164="+79161234567", kind="mobile", region="RU")]
    committed_session.add(customer)
    agent = create_user(committed_session, username="olga", full_name="Ольга Агентова", role="agent",
                        password="correct horse", languages=["ru"])
    committed_session.commit()
    live_platform.sandbox.add_device(f"client:agent-{agent.id}", auto_answer=True, answer_after=0.5, talk_for=3)

    desk = console_client(agent.id)
    assert desk.call("set_state", {"state": "available"}, namespace="/desk", timeout=5)["ok"]
    call_sid = live_platform.sandbox.place_call("+79161234567", live_platform.number, [{"press": "0"}],
                                                patience=600)

    offer = desk.inbox.wait_for("offer")
    assert offer["call"]["call_sid"] == call_sid
    assert offer["call"]["ivr_path"][-2:] == ["main_menu:0", "agent"]
    assert offer["call"]["context"]["skill"] == "orders"
    assert offer["history"]["customer"]["display_name"] == "Мария Иванова"
    assert desk.call("accept", {"call_sid": call_sid}, namespace="/desk", timeout=10)["ok"]

    call = live_platform.sandbox.wait(call_sid, timeout=30)
    assert [e["name"] for e in call["transcript"] if e["event"] == "conference"] == [room_of(call_sid)]
    assert devices_in_room(live_platform.sandbox, call_sid) == [f"client:agent-{agent.id}"]
    ended = desk.inbox.wait_for("call_ended")
    answer = desk.call("wrap_up", {"interaction_id": ended["interaction_id"], "disposition": "order_status_given",
                                   "notes": "Сообщила статус заказа"}, namespace="/desk", timeout=5)
    assert answer["ok"], answer

    committed_session.expire_all()
    interaction = committed_session.scalars(
        sa.select(models.Interaction).where(models.Interaction.call_sid == call_sid)).one()
    assert (interaction.agent_id, interaction.disposition, interaction.notes) == (
        agent.id, "order_status_given", "Сообщила статус заказа")
    kinds = [e.kind for e in interaction.events]
    assert "agent_connecting" in kinds and "agent_leg_ended" in kinds and "wrap_up" in kinds
    states = committed_session.scalars(sa.select(models.AgentStateChange.state)
                                       .where(models.AgentStateChange.user_id == agent.id)
                                       .order_by(models.AgentStateChange.id)).all()
    assert states[:4] == ["available", "ringing", "on_call", "wrap_up"] and states[-1] == "available"


def test_an_agent_whose_device_never_answers_goes_on_a_break_and_the_caller_reaches_another_agent(
        live_platform, committed_session, console_client):
    olga = create_user(committed_session, username="olga", full_name="Ольга Агентова", role="agent",
                       password="correct horse", languages=["ru"])
    ivan = create_user(committed_session, username="ivan", full_name="Иван Петров", role="agent",
                       password="correct horse", languages=["ru"])
    committed_session.commit()
    live_platform.sandbox.add_device(f"client:agent-{olga.id}", auto_answer=False)
    live_platform.sandbox.add_device(f"client:agent-{ivan.id}", auto_answer=True, answer_after=0.5)
    desk_olga, desk_ivan = console_client(olga.id), console_client(ivan.id)
    assert desk_olga.call("set_state", {"state": "available"}, namespace="/desk", timeout=5)["ok"]
    call_sid = live_platform.sandbox.place_call("+79161234567", live_platform.number, [{"press": "1"}, {"press": "0"}],
                                                patience=3000)
    desk_olga.inbox.wait_for("offer", where=lambda o: o["call"]["call_sid"] == call_sid)
    assert desk_ivan.call("set_state", {"state": "available"}, namespace="/desk", timeout=5)["ok"]
    assert desk_olga.call("accept", {"call_sid": call_sid}, namespace="/desk", timeout=10)["ok"]

    desk_olga.inbox.wait_for("agent_state", where=lambda s: s["state"] == "break", timeout=20)
    offer = desk_ivan.inbox.wait_for("offer", timeout=20)
    assert offer["call"]["call_sid"] == call_sid
    assert desk_ivan.call("accept", {"call_sid": call_sid}, namespace="/desk", timeout=10)["ok"]
    # They talk once Иван's device has answered (half a second on) and joined the caller; then the caller hangs up.
    wait_until(lambda: devices_in_room(live_platform.sandbox, call_sid) == [f"client:agent-{ivan.id}"])
    live_platform.sandbox.hangup(call_sid)
    call = live_platform.sandbox.wait(call_sid, timeout=30)
    assert "Соединяем с другим оператором." in [e.get("text") for e in call["transcript"] if e["event"] == "say"]
    desk_ivan.inbox.wait_for("call_ended")
    committed_session.expire_all()
    interaction = committed_session.scalars(
        sa.select(models.Interaction).where(models.Interaction.call_sid == call_sid)).one()
    legs = [(e.kind, e.detail["agent_id"], e.detail.get("status")) for e in interaction.events
            if e.kind in ("agent_connecting", "agent_leg_ended")]
    assert legs == [("agent_connecting", olga.id, None), ("agent_leg_ended", olga.id, "no-answer"),
                    ("agent_connecting", ivan.id, None), ("agent_leg_ended", ivan.id, "completed")]
    assert interaction.agent_id == ivan.id
