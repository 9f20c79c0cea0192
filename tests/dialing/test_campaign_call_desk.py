"""An answered campaign call reaches the desk with the lead, the customer's history, the script, and only the
campaign's own wrap-up outcomes."""

from __future__ import annotations

from crm_core import models
from crm_core.db import utcnow
from dialer import engine
from tests.conftest import call_params
from tests.console.conftest import desk_client, login_as, received  # noqa: F401  (the console's fixtures)

CALL_SID = "CA" + "c" * 32
SCRIPT = "Greet Anna by name.\nOffer the autumn upgrade."


def test_answered_campaign_call_pops_lead_history_script_and_wraps_up_only_with_campaign_outcomes(
        db_session, make_user, make_customer, make_interaction, make_dialing_campaign, add_leads, desk_client,  # noqa: F811
        twilio_post, parse_twiml):
    customer = make_customer(first_name="Анна", last_name="Смирнова", phones=("+79160000042",))
    make_interaction(customer, disposition="resolved", notes="asked about the upgrade last spring")
    campaign = make_dialing_campaign(db_session, script=SCRIPT, dispositions=["sale", "callback_requested"])
    [lead] = add_leads(db_session, campaign, ["+79160000042"])
    lead.extra, lead.customer_id = {"city": "Tver", "plan": "Gold"}, customer.id
    attempt = engine.start_attempt(db_session, campaign, lead, now=utcnow())
    attempt.status = "dialing"
    agent = make_user("agent")
    desk = desk_client(agent)
    assert desk.emit("set_state", {"state": "available"}, namespace="/desk", callback=True)["ok"]

    params = call_params(CALL_SID, from_number=campaign.caller_id, to_number=lead.e164, Direction="outbound-api")
    parse_twiml(twilio_post(f"/voice/dialer/answered?attempt={attempt.id}", params | {"AnsweredBy": "human"}))
    parse_twiml(twilio_post(f"/voice/dialer/wait?attempt={attempt.id}", params | {"QueueTime": "0"}))

    [offer] = received(desk, "offer")
    context = offer["call"]["context"]
    assert (context["campaign"], context["lead"]) == (campaign.name, "Lead 0")
    assert context["lead_fields"] == {"city": "Tver", "plan": "Gold"}
    assert context["script"] == SCRIPT
    assert context["dispositions"] == ["sale", "callback_requested"]
    assert offer["history"]["customer"]["display_name"] == "Анна Смирнова"
    assert offer["history"]["interactions"][-1]["notes"] == "asked about the upgrade last spring"

    interaction_id = offer["call"]["interaction_id"]
    refused = desk.emit("wrap_up", {"interaction_id": interaction_id, "disposition": "resolved"},
                        namespace="/desk", callback=True)
    assert refused["ok"] is False and refused["field"] == "disposition"
    assert refused["error"] == "Resolved is not an outcome of this campaign: choose Sale or Callback requested"
    assert desk.emit("wrap_up", {"interaction_id": interaction_id, "disposition": "sale"},
                     namespace="/desk", callback=True) == {"ok": True, "interaction_id": interaction_id}
    db_session.expire_all()
    assert db_session.get(models.Interaction, interaction_id).disposition == "sale"
