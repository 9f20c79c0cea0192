"""Wrap-up stores the outcome on the call and performs its side effects once, in the same transaction."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from crm_core import models
from crm_core.db import utcnow
from crm_core.errors import ValidationError
from crm_core.wrapup import AlreadyWrappedUp, Outcome, active_dispositions, flag_for_review, record_outcome


@pytest.fixture
def answered_call(make_customer, make_interaction, make_user):
    """An inbound call of a known customer handled by an agent."""
    agent = make_user("agent")
    customer = make_customer(phones=("+79123456789",))
    call = make_interaction(customer, from_number="+79123456789", to_number="+74950000000", agent_id=agent.id,
                            status="completed")
    return call, agent


def count(session, model):
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def test_dispositions_are_configured_data(db_session):
    codes = [d.code for d in active_dispositions(db_session)]
    assert {"resolved", "sale", "callback_requested", "do_not_call", "escalated", "wrong_number"} <= set(codes)


def test_outcome_and_notes_are_stored_on_the_call(db_session, answered_call):
    call, agent = answered_call
    result = record_outcome(db_session, call.id, agent.id, Outcome("resolved", "Объяснил сроки доставки"))
    assert (result.interaction.disposition, result.interaction.notes) == ("resolved", "Объяснил сроки доставки")
    assert result.interaction.wrapped_up_at is not None
    assert (result.callback, result.ticket, result.do_not_call) == (None, None, None)


def test_callback_outcome_schedules_a_callback_for_the_caller(db_session, answered_call):
    call, agent = answered_call
    due = utcnow() + timedelta(hours=2)
    result = record_outcome(db_session, call.id, agent.id, Outcome("callback_requested", "после 18:00", callback_at=due))
    assert (result.callback.phone_e164, result.callback.due_at, result.callback.owner_id) == (
        "+79123456789", due, agent.id)
    assert result.callback.customer_id == call.customer_id


def test_callback_outcome_without_a_time_is_refused_and_nothing_is_stored(db_session, answered_call):
    call, agent = answered_call
    with pytest.raises(ValidationError) as error:
        record_outcome(db_session, call.id, agent.id, Outcome("callback_requested"))
    assert error.value.field == "callback_at"
    assert call.disposition is None and count(db_session, models.Task) == 0


def test_do_not_call_outcome_lists_the_number_at_once(db_session, answered_call):
    call, agent = answered_call
    record_outcome(db_session, call.id, agent.id, Outcome("do_not_call", "Просит не звонить"))
    entry = db_session.scalar(sa.select(models.DoNotCallEntry))
    assert (entry.e164, entry.source, entry.campaign_id) == ("+79123456789", "disposition", None)


def test_escalation_opens_a_ticket(db_session, answered_call):
    call, agent = answered_call
    result = record_outcome(db_session, call.id, agent.id, Outcome("escalated", "Коробка повреждена",
                                                                   ticket_subject="Повреждённая посылка"))
    assert (result.ticket.subject, result.ticket.status, result.ticket.owner_id) == (
        "Повреждённая посылка", "open", agent.id)


def test_second_submit_does_not_double_the_side_effects(db_session, answered_call):
    call, agent = answered_call
    due = utcnow() + timedelta(days=1)
    record_outcome(db_session, call.id, agent.id, Outcome("callback_requested", callback_at=due))
    with pytest.raises(AlreadyWrappedUp):
        record_outcome(db_session, call.id, agent.id, Outcome("callback_requested", callback_at=due))
    assert count(db_session, models.Task) == 1


def test_another_agents_call_cannot_be_wrapped_up(db_session, answered_call, make_user):
    call, _ = answered_call
    with pytest.raises(ValidationError):
        record_outcome(db_session, call.id, make_user("agent").id, Outcome("resolved"))


@pytest.mark.parametrize("outcome, field", [
    (Outcome("no_such_code"), "disposition"),
    (Outcome("resolved", "x" * 10_001), "notes"),
    (Outcome("callback_requested", callback_at=utcnow() - timedelta(minutes=1)), "callback_at"),
    (Outcome("escalated", ticket_subject="  "), "ticket_subject"),
])
def test_invalid_outcomes_name_the_field(db_session, answered_call, outcome, field):
    call, agent = answered_call
    with pytest.raises(ValidationError) as error:
        record_outcome(db_session, call.id, agent.id, outcome)
    assert error.value.field == field


def test_vanished_agents_call_is_flagged_not_dropped(db_session, answered_call):
    call, _ = answered_call
    flag_for_review(db_session, call.call_sid, "agent disconnected")
    assert call.review_reason == "agent disconnected"
    assert db_session.get(models.Interaction, call.id) is call
