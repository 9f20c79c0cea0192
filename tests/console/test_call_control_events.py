"""Call handling over Socket.IO and HTTP: the /desk events, the call-control TwiML, the softphone token."""

import jwt
import pytest
import sqlalchemy as sa

from crm_core import models
from crm_core.dnc import add_do_not_call
from tests.conftest import call_params
from tests.console.conftest import received

SID = "CA" + "5" * 32
API_SECRET = "s" * 32


def ask(desk, event, data=None):
    return desk.emit(event, data if data is not None else {}, namespace="/desk", callback=True)


def test_click_to_dial_of_a_do_not_call_number_is_refused_with_a_clear_message(desk_client, make_user, db_session):
    agent = make_user("agent")
    add_do_not_call(db_session, "+79161234567", source="disposition", reason="asked on a call")
    desk = desk_client(agent)
    assert ask(desk, "set_state", {"state": "available"})["ok"]
    received(desk, "agent_state")
    answer = ask(desk, "dial", {"number": "8 (916) 123-45-67"})
    assert answer["ok"] is False
    assert answer["error"] == "+79161234567 is on the do-not-call list: it must not be called"
    assert received(desk, "agent_state") == []  # still available, nothing happened
    assert db_session.scalar(sa.select(sa.func.count()).select_from(models.Interaction)) == 0


@pytest.mark.parametrize("payload, field", [
    ({"number": "not a number"}, "number"),
    ({"number": "+79161234567", "customer_id": "x"}, "customer_id"),
    ({"number": "+79161234567", "customer_id": 999999}, "customer_id"),
])
def test_malformed_dial_requests_name_the_field(desk_client, make_user, payload, field):
    desk = desk_client(make_user("agent"))
    ask(desk, "set_state", {"state": "available"})
    answer = ask(desk, "dial", payload)
    assert answer["ok"] is False and answer["field"] == field


@pytest.mark.parametrize("event, data, error", [
    ("hold", {}, "you are not on a call"),
    ("resume", {}, "you are not on a call"),
    ("transfer", {"queue": "support"}, "you are not on a call"),
])
def test_call_handling_without_a_call_is_refused(desk_client, make_user, event, data, error):
    answer = ask(desk_client(make_user("agent")), event, data)
    assert answer == {"ok": False, "error": error, "field": None}


def test_transfer_targets_name_the_agents_and_queues(desk_client, make_user):
    olga, ivan = make_user("agent", full_name="Ольга"), make_user("agent", full_name="Иван", skills=["sales"])
    desk_a, desk_b = desk_client(olga), desk_client(ivan)
    ask(desk_b, "set_state", {"state": "available"})
    answer = ask(desk_a, "transfer_targets")
    assert answer["ok"]
    assert answer["agents"] == [{"agent_id": ivan.id, "name": "Иван", "state": "available"}]
    assert {"support", "sales"} <= set(answer["queues"])


# -- the TwiML a held, resumed, transferred or dialled call gets ---------------------------------------------------

def test_hold_loop_says_a_message_plays_music_and_comes_back(twilio_post, parse_twiml, app):
    first = parse_twiml(twilio_post("/voice/control/hold?agent=3", call_params(SID)))
    assert [v.tag for v in first] == ["Say", "Play", "Redirect"]
    assert first[1].text == app.config["VOICE_BASE_URL"] + "/console/hold-music.wav"
    assert first[2].text.endswith("/voice/control/hold?loop=1")
    again = parse_twiml(twilio_post("/voice/control/hold?loop=1", call_params(SID)))
    assert [v.tag for v in again] == ["Say", "Play", "Redirect"] and again[1].get("loop") == "2"


def test_resume_whose_agent_device_cannot_be_rung_sends_the_caller_to_another_agent(twilio_post, parse_twiml,
                                                                                    db_session):
    # The app's provider answers nothing here: the device cannot be called into the call's conference.
    document = parse_twiml(twilio_post("/voice/control/resume?agent=7", call_params(SID)))
    assert [(v.tag, v.text) for v in document][:2] == [("Say", "Спасибо за ожидание."),
                                                       ("Say", "Соединяем с другим оператором.")]
    assert (document[2].tag, document[2].text) == ("Enqueue", "support")
    interaction = db_session.scalars(sa.select(models.Interaction).where(models.Interaction.call_sid == SID)).one()
    assert [(e.kind, e.detail) for e in interaction.events][-1] == (
        "agent_leg_ended", {"agent_id": 7, "status": "failed"})


def test_transfer_puts_the_caller_in_the_queue_again(twilio_post, parse_twiml):
    document = parse_twiml(twilio_post("/voice/control/transfer?queue=sales", call_params(SID)))
    assert [v.tag for v in document] == ["Say", "Enqueue"]
    assert document[1].text == "sales" and document[1].get("waitUrl").endswith("/voice/queue/wait?queue=sales")
    junk = parse_twiml(twilio_post("/voice/control/transfer?queue=%3Cx%3E", call_params(SID)))
    assert junk[1].text == "support"


def test_answered_click_to_dial_whose_agent_device_cannot_be_rung_reaches_another_agent(twilio_post, parse_twiml):
    params = call_params(SID, Direction="outbound-api", From="+74950000000", To="+79161234567",
                         CallStatus="in-progress")
    document = parse_twiml(twilio_post("/voice/control/dialed?agent=4", params))
    assert [v.tag for v in document] == ["Say", "Enqueue"]


def test_hold_music_is_a_wav_anyone_can_fetch(client):
    response = client.get("/console/hold-music.wav")
    assert response.status_code == 200 and response.mimetype == "audio/wav"
    assert response.data[:4] == b"RIFF" and response.data[8:12] == b"WAVE" and len(response.data) > 100_000


# -- the browser softphone ---------------------------------------------------------------------------------------

@pytest.fixture
def softphone_app(make_app):
    return make_app(TWILIO_API_KEY="SK" + "0" * 32, TWILIO_API_SECRET=API_SECRET, TWILIO_TWIML_APP_SID="AP" + "1" * 32)


def test_softphone_token_carries_the_agents_identity_and_a_voice_grant(softphone_app, make_user, db_session):
    agent = make_user("agent")
    db_session.commit()
    client = softphone_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(agent.id)
    response = client.get("/console/softphone-token")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["identity"] == f"agent-{agent.id}"
    claims = jwt.decode(body["token"], API_SECRET, algorithms=["HS256"])
    assert claims["grants"]["identity"] == f"agent-{agent.id}"
    assert claims["grants"]["voice"]["incoming"] == {"allow": True}
    assert claims["grants"]["voice"]["outgoing"]["application_sid"] == "AP" + "1" * 32
    assert claims["sub"] == softphone_app.config["TWILIO_ACCOUNT_SID"] and claims["iss"] == "SK" + "0" * 32


def test_a_supervisors_softphone_token_is_for_monitoring_and_nobody_signed_out_gets_one(
        softphone_app, make_user, db_session):
    supervisor = make_user("supervisor")
    db_session.commit()
    anonymous = softphone_app.test_client().get("/console/softphone-token")
    assert anonymous.status_code in (302, 401) and b"eyJ" not in anonymous.data  # no JWT
    client = softphone_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(supervisor.id)
    body = client.get("/console/softphone-token").get_json()
    assert body["identity"] == f"supervisor-{supervisor.id}"
    assert jwt.decode(body["token"], API_SECRET, algorithms=["HS256"])["grants"]["identity"] == body["identity"]


def test_softphone_token_without_an_api_key_says_so(login_as, make_user, db_session):
    client = login_as(make_user("agent"))
    db_session.commit()
    response = client.get("/console/softphone-token")
    assert response.status_code == 503 and response.get_json()["error"] == "softphone_unavailable"


def test_the_voice_sdk_is_installed_from_npm_and_served_by_the_app(client):
    with client.get("/console/static/vendor/twilio-voice.min.js") as response:
        assert response.status_code == 200 and response.mimetype in ("text/javascript", "application/javascript")
        assert b"Twilio.Device" in response.data


@pytest.mark.parametrize("role, page", [("agent", "/desk"), ("supervisor", "/floor")])
def test_the_desk_and_the_floor_load_the_softphone_with_real_twilio_only(
        make_app, login_as, make_user, db_session, role, page):
    user = make_user(role)
    db_session.commit()
    in_sandbox = login_as(user).get(page).get_data(as_text=True)
    assert "twilio-voice.min.js" not in in_sandbox and 'data-testid="softphone"' not in in_sandbox
    real = make_app(TWILIO_API_BASE_URL="https://api.twilio.com")
    client = real.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
    html = client.get(page).get_data(as_text=True)
    assert '<script src="/console/static/vendor/twilio-voice.min.js"></script>' in html
    assert 'data-testid="softphone"' in html and 'data-testid="demo-phone"' not in html
