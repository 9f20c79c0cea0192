"""The IVR session log on the call's Interaction: flow and version, the path with masked inputs, and the
outcome that feeds the containment rate (closed by the final status callback)."""

from callcenter.voice.ivr import SERVICES
from crm_core.ivr import close_ivr_session
from ivr_flows import shipped_catalog
from tests.conftest import call_params


def test_every_ivr_route_is_behind_the_signature_gate(app, client):
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/voice/ivr")]
    assert {r.rule for r in rules} == {"/voice/ivr", "/voice/ivr/input"}
    for rule in rules:
        assert getattr(app.view_functions[rule.endpoint], "twilio_webhook", False)
        assert client.post(rule.rule, data=call_params("CA" + "2" * 32)).status_code == 403


def test_the_log_names_the_flow_and_its_version(caller, customer):
    call = caller(customer.phones[0].e164)
    call.dial()
    interaction = call.interaction
    assert interaction.ivr_flow == "order_tracking"
    assert interaction.ivr_flow_version == shipped_catalog(SERVICES)["order_tracking"].version
    assert interaction.ivr_path == ["identify", "use_customer_language", "greet_customer", "main_menu"]
    assert interaction.ivr_outcome is None


def test_every_step_and_answer_is_on_the_timeline(caller, customer, order_for):
    order_for(customer)
    call = caller(customer.phones[0].e164)
    call.dial(), call.press("1"), call.press("2"), call.press("10045")
    steps = [e.detail for e in call.interaction.events if e.kind == "ivr"]
    assert {"step": "identify", "result": "found"} in steps
    assert {"step": "ask_order_number:10045"} in steps
    assert {"step": "find_order", "result": "found"} in steps


def test_a_caller_who_hangs_up_in_the_menu_abandoned_the_ivr(caller, customer, db_session):
    call = caller(customer.phones[0].e164)
    call.dial()
    interaction = call.interaction
    assert close_ivr_session(db_session, interaction) == "abandoned"


def test_a_caller_who_heard_their_order_and_hung_up_was_contained(caller, customer, order_for, db_session):
    order_for(customer)
    call = caller(customer.phones[0].e164)
    call.dial(), call.press("1"), call.press("1")
    assert close_ivr_session(db_session, call.interaction) == "contained"


def test_a_caller_handed_to_an_agent_after_the_answer_counts_as_transferred(caller, customer, order_for, db_session):
    order_for(customer)
    call = caller(customer.phones[0].e164)
    call.dial(), call.press("1"), call.press("1"), call.press("0")
    assert close_ivr_session(db_session, call.interaction) == "transferred"
