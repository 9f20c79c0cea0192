"""Structured logs: every line logged while a call is handled names it, in JSON lines or readable text."""

from __future__ import annotations

from click.testing import CliRunner
from rq import Queue, SimpleWorker

from callcenter.call_logging import LoggedJob
from callcenter.cli import main
from dialer.jobs import enqueue_attempt
from tests.conftest import call_params

CALL_SID = "CA" + "0f" * 16


def test_every_line_logged_while_a_webhook_fails_names_its_call(app, twilio_post, redis_outage, parse_twiml,
                                                                 log_lines):
    redis_outage(app)
    response = twilio_post("/voice/queue/left", call_params(CALL_SID, CallStatus="completed", QueueResult="hangup"))

    parse_twiml(response)  # Twilio still gets TwiML
    lines = log_lines("json")
    failure = next(line for line in lines if "voice webhook /voice/queue/left failed" in line["message"])
    assert failure["level"] == "ERROR" and "ConnectionError" in failure["exception"]
    assert {line["call_sid"] for line in lines} == {CALL_SID}
    assert all(line["timestamp"].endswith("+00:00") and line["logger"] for line in lines)


def test_a_campaign_call_webhook_names_its_dial_attempt_and_parent_call(app, twilio_post, log_lines):
    params = call_params(CALL_SID, ParentCallSid="CA" + "1e" * 16, Direction="outbound-api")
    twilio_post("/voice/dialer/wait?attempt=424242", params, signature="forged")

    [line] = log_lines("json")
    assert "rejected unsigned" in line["message"]
    assert (line["call_sid"], line["parent_call_sid"], line["attempt_id"]) == (CALL_SID, "CA" + "1e" * 16, "424242")


def test_text_lines_end_with_the_call(app, twilio_post, log_lines):
    twilio_post("/voice/status", call_params(CALL_SID), signature="forged")

    [line] = log_lines("text")
    assert "WARNING callcenter.voice.security rejected unsigned" in line
    assert line.endswith(f" call_sid={CALL_SID}")


def test_a_request_after_a_call_has_its_own_request_id_and_not_the_calls_sid(app, client, twilio_post, redis_outage,
                                                                             log_lines):
    redis_outage(app)
    twilio_post("/voice/queue/wait", call_params(CALL_SID))
    first = len(log_lines("json"))

    assert client.get("/healthz", headers={"X-Request-Id": "lb-7f3a"}).status_code == 503
    assert client.get("/healthz", headers={"X-Request-Id": "forged id with spaces; and=more"}).status_code == 503

    health = [line for line in log_lines("json")[first:] if line["logger"] == "callcenter.health"]
    assert len(health) == 2 and not any("call_sid" in line for line in health)
    assert health[0]["request_id"] == "lb-7f3a"
    assert len(health[1]["request_id"]) == 16 and health[1]["request_id"].isalnum()


def test_a_failed_desk_event_names_the_agent(app, desk_client, make_user, redis_outage, log_lines):
    agent = make_user("agent")
    desk = desk_client(agent)
    redis_outage(app)

    answer = desk.emit("set_state", {"state": "available"}, namespace="/desk", callback=True)

    assert answer["ok"] is False
    [failure] = [line for line in log_lines("json") if line["level"] == "ERROR"]
    assert "desk event" in failure["message"] and failure["user_id"] == agent.id


def test_lines_logged_by_a_dial_job_name_its_attempt(app, redis_client, log_lines):
    queue = Queue("default", connection=redis_client)
    enqueue_attempt(queue)(424242)  # an attempt nobody can claim: the job says so and does nothing
    with app.app_context():
        SimpleWorker([queue], connection=redis_client, job_class=LoggedJob).work(burst=True)

    job_lines = [line for line in log_lines("json") if line["logger"] == "dialer.jobs"]
    assert job_lines and "already claimed" in job_lines[0]["message"]
    assert all((line["attempt_id"], line["job_id"]) == (424242, "dial-attempt-424242") for line in job_lines)


def test_a_junk_call_sid_is_not_copied_onto_every_line(app, twilio_post, log_lines):
    twilio_post("/voice/status", call_params("CA1\n2026-01-01 INFO forged line" + "x" * 10_000), signature="forged")

    [line] = log_lines("json")
    assert line["call_sid"] == "?"
    assert log_lines("text")[-1].endswith(" call_sid=?")


def test_an_unknown_log_format_stops_a_command_naming_the_setting():
    result = CliRunner().invoke(main, ["ivr", "lint"], env={"LOG_FORMAT": "xml"})

    assert result.exit_code == 2
    assert "LOG_FORMAT must be one of text, json, got 'xml'" in result.output
