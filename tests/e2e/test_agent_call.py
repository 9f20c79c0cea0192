"""A caller reaches an agent through the sandbox: offer with screen-pop, accept, conversation, wrap-up."""

import sqlalchemy as sa

from crm_core import models
from crm_core.users import create_user


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
    assert any(e["event"] == "bridged" for e in call["transcript"]), call["transcript"]
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
