"""The pure engine on small flows: each step type's TwiML and where it goes, retries, secrets, stale
answers, other flows, and the guard against loops; every answer checked against Twilio's schema."""

import json
from datetime import date

import pytest
from lxml import etree
from twilio.twiml.voice_response import VoiceResponse

from ivr_flows import FlowRuntimeError, Reply, Wiring, continue_session, load_catalog, read_flow, start_session
from ivr_flows.lint import read_flows

from .toy_flows import write_flow


@pytest.fixture
def service_calls() -> list:
    """The arguments of every call to the `remember` and `schedule_callback` services."""
    return []


@pytest.fixture
def wiring(service_calls):
    """Services that answer from dictionaries, URLs of a fake host, a fixed today."""
    calls = service_calls

    def enqueue(response, queue):
        response.enqueue(queue or "support")
        return response

    services = {
        "order": lambda number: {"number": number, "status": "in_transit"} if number == "10045" else None,
        "accepts": lambda value: {"value": value} if value.startswith("7") else None,
        "remember": lambda **kwargs: calls.append(kwargs) or {"ok": True},
        "schedule_callback": lambda phone, note: calls.append({"phone": phone, "note": note}) or {"id": 1},
    }
    return Wiring(services, lambda step: f"https://cc.example/voice/ivr/input?step={step}", enqueue, date(2026, 6, 1))


@pytest.fixture
def valid(twiml_schema):
    """Assert a response is schema-valid TwiML and return it parsed."""

    def check(response: VoiceResponse):
        document = etree.fromstring(str(response).encode())
        assert twiml_schema.validate(document), twiml_schema.error_log
        return document

    return check


def said(document) -> list[str]:
    return [say.text for say in document.iter("Say")]


def catalog_of(tmp_path, steps, **kwargs):
    write_flow(tmp_path, "toy", steps, **kwargs)
    return load_catalog(tmp_path)


MENU = """
[steps.first]
type = "menu"
prompt.ru = "Нажмите 1."
prompt.en = "Press 1."
hint.ru = "Только 1."
hint.en = "Only 1."
choices = { "1" = "bye", "#" = "bye" }
words.en = { "1" = ["one", "yes"] }
words.ru = { "1" = ["да"] }
[steps.bye]
type = "hangup"
prompt.ru = "Пока."
prompt.en = "Bye."
"""


def test_before_a_language_is_chosen_prompts_are_said_in_every_language(tmp_path, wiring, valid):
    turn = start_session(catalog_of(tmp_path, MENU), "toy", {}, wiring)
    document = valid(turn.response)
    gather = document.find("Gather")
    assert [(s.get("language"), s.text) for s in gather.iter("Say")] == [("ru-RU", "Нажмите 1."), ("en-US", "Press 1.")]
    assert gather.get("finishOnKey") == ""  # "#" is a choice here
    assert turn.state()["step"] == "first" and not turn.state()["ended"]


def test_a_menu_answer_by_key_or_word_goes_to_its_step(tmp_path, wiring, valid):
    catalog = catalog_of(tmp_path, MENU)
    state = start_session(catalog, "toy", {}, wiring).state()
    for reply in (Reply(step="first", digits="1"), Reply(step="first", speech="Да, пожалуйста")):
        turn = continue_session(catalog, state, reply, wiring, "toy")
        document = valid(turn.response)
        assert said(document) == ["Пока.", "Bye."] and document.find("Hangup") is not None
        assert turn.state()["ended"]


def test_failed_tries_hear_the_steps_hint_then_go_to_on_failure(tmp_path, wiring, valid):
    catalog = catalog_of(tmp_path, MENU)
    state = start_session(catalog, "toy", {}, wiring).state()
    for tries in (1, 2):
        turn = continue_session(catalog, state, Reply(step="first", digits="9"), wiring, "toy")
        assert said(valid(turn.response))[:2] == ["Только 1.", "Only 1."]
        state = turn.state()
        assert state["tries"] == tries
    turn = continue_session(catalog, state, Reply(step="first"), wiring, "toy")
    document = valid(turn.response)
    assert said(document) == ["Оператор.", "Agent."] and document.find("Enqueue").text == "support"
    assert turn.outcome == "transferred" and turn.handoff == {"queue": None, "context": {"ivr_failed_step": "first"}}


def test_an_answer_to_another_step_asks_the_waiting_one_again_without_counting_a_try(tmp_path, wiring, valid):
    catalog = catalog_of(tmp_path, MENU)
    state = start_session(catalog, "toy", {}, wiring).state()
    turn = continue_session(catalog, state, Reply(step="elsewhere", digits="1"), wiring, "toy")
    assert said(valid(turn.response)) == ["Нажмите 1.", "Press 1."]
    assert turn.state()["tries"] == 0 and turn.visits[-1].detail == {"stale_answer_for": "elsewhere"}


def test_a_session_that_ended_repeats_its_last_step(tmp_path, wiring, valid):
    catalog = catalog_of(tmp_path, MENU)
    state = start_session(catalog, "toy", {}, wiring).state()
    state = continue_session(catalog, state, Reply(step="first", digits="1"), wiring, "toy").state()
    turn = continue_session(catalog, state, Reply(step="first", digits="1"), wiring, "toy")
    assert said(valid(turn.response)) == ["Пока.", "Bye."]


COLLECT = """
[steps.first]
type = "set"
values = { lang = "en", greeting = "hello {call.name}", customer = "{call.id}" }
next = "ask"
[steps.ask]
type = "collect"
prompt.ru = "Код?"
prompt.en = "Code?"
min_digits = 4
max_digits = 4
secret = true
save_as = "code"
next = "check"
[steps.check]
type = "lookup"
service = "remember"
args = { code = "{code}", customer = "{customer}" }
save_as = "checked"
found = "ask_number"
not_found = "agent"
[steps.ask_number]
type = "collect"
prompt.ru = "Номер?"
prompt.en = "Number?"
check = "accepts"
save_as = "number"
next = "done"
[steps.done]
type = "say"
outcome = "contained"
prompt.ru = "Готово, {greeting}, {number.value:digits}."
prompt.en = "Done, {greeting}, {number.value:digits}."
next = "bye"
[steps.bye]
type = "hangup"
"""


def test_a_secret_answer_is_used_in_its_turn_and_never_kept(tmp_path, wiring, valid, service_calls):
    catalog = catalog_of(tmp_path, COLLECT)
    turn = start_session(catalog, "toy", {"name": "Ann", "id": 42}, wiring)
    gather = valid(turn.response).find("Gather")
    assert (gather.get("numDigits"), gather.get("finishOnKey"), gather.get("language")) == ("4", "#", "en-US")
    turn = continue_session(catalog, turn.state(), Reply(step="ask", digits="2468"), wiring, "toy")
    assert service_calls == [{"code": "2468", "customer": 42}]  # a lone placeholder keeps the number a number
    state = json.dumps(turn.state())
    assert "2468" not in state and "2468" not in repr(turn.visits)
    assert [v.step for v in turn.visits] == ["ask:***", "check", "ask_number"]


def test_a_collect_check_service_refusing_the_answer_counts_as_a_failed_try(tmp_path, wiring, valid):
    catalog = catalog_of(tmp_path, COLLECT)
    state = start_session(catalog, "toy", {"name": "Ann"}, wiring).state()
    state = continue_session(catalog, state, Reply(step="ask", digits="2468"), wiring, "toy").state()
    turn = continue_session(catalog, state, Reply(step="ask_number", digits="5555"), wiring, "toy")
    assert said(valid(turn.response)) == ["Didn't get that.", "Number?"]
    turn = continue_session(catalog, turn.state(), Reply(step="ask_number", digits="7001"), wiring, "toy")
    assert said(valid(turn.response)) == ["Done, hello Ann, 7, 0, 0, 1."]
    assert turn.outcome == "contained" and turn.state()["vars"]["number"] == {"value": "7001"}


BRANCHES = """
[steps.first]
type = "lookup"
service = "order"
args = { number = "{call.number}" }
save_as = "order"
found = "is_moving"
not_found = "unknown"
[steps.is_moving]
type = "condition"
if = "order.status"
equals = ["in_transit", "shipped"]
then = "moving"
else = "unknown"
[steps.moving]
type = "play"
url = "https://cc.example/jingle.mp3"
next = "other"
[steps.other]
type = "goto_flow"
flow = "second"
[steps.unknown]
type = "callback"
phone = "{call.from}"
note = "about {call.number}"
next = "bye"
[steps.bye]
type = "hangup"
"""
SECOND = """
[steps.first]
type = "condition"
if = "order"
then = "record"
else = "agent"
[steps.record]
type = "record"
prompt.ru = "Говорите."
prompt.en = "Speak."
max_length = 30
save_as = "message"
next = "thanks"
[steps.thanks]
type = "say"
prompt.ru = "Спасибо, {order.number:digits}."
prompt.en = "Thanks, {order.number:digits}."
next = "bye"
[steps.bye]
type = "hangup"
"""


@pytest.fixture
def two_flows(tmp_path):
    write_flow(tmp_path, "toy", BRANCHES)
    write_flow(tmp_path, "second", SECOND)
    return load_catalog(tmp_path)


def test_lookup_condition_play_and_another_flow(two_flows, wiring, valid):
    turn = start_session(two_flows, "toy", {"number": "10045", "from": "+79123456789"}, wiring)
    document = valid(turn.response)
    assert document.find("Play").text == "https://cc.example/jingle.mp3"
    record = document.find("Record")
    assert (record.get("maxLength"), record.get("action")) == ("30", "https://cc.example/voice/ivr/input?step=record")
    assert document.find("Redirect").text == record.get("action")  # nothing recorded comes back too
    assert [v.step for v in turn.visits] == ["first", "is_moving", "moving", "other", "second/first", "second/record"]
    assert turn.state()["flow"] == "second"


def test_a_recording_is_kept_and_an_empty_one_is_asked_again(two_flows, wiring, valid):
    state = start_session(two_flows, "toy", {"number": "10045"}, wiring).state()
    turn = continue_session(two_flows, state, Reply(step="record"), wiring, "toy")
    assert said(valid(turn.response))[:2] == ["Не поняла.", "Didn't get that."]
    turn = continue_session(two_flows, turn.state(), Reply(step="record", recording_url="https://r/RE1"), wiring, "toy")
    assert said(valid(turn.response)) == ["Спасибо, 1, 0, 0, 4, 5.", "Thanks, 1, 0, 0, 4, 5."]
    assert turn.state()["vars"]["message"] == "https://r/RE1"


def test_a_callback_step_schedules_through_the_application(two_flows, wiring, valid, service_calls):
    turn = start_session(two_flows, "toy", {"number": "999", "from": "+79123456789"}, wiring)
    assert valid(turn.response).find("Hangup") is not None
    assert service_calls == [{"phone": "+79123456789", "note": "about 999"}]
    assert turn.outcome == "callback" and turn.visits[-2].detail == {"task": 1}


def test_a_callback_without_a_number_is_a_runtime_error(two_flows, wiring):
    with pytest.raises(FlowRuntimeError, match="no phone number"):
        start_session(two_flows, "toy", {"number": "999"}, wiring)


def test_a_missing_service_is_a_runtime_error_naming_it(two_flows, wiring):
    bare = Wiring({}, wiring.action_url, wiring.enqueue)
    with pytest.raises(FlowRuntimeError, match="no service 'order'"):
        start_session(two_flows, "toy", {}, bare)


def test_a_loop_without_the_caller_is_stopped(tmp_path, wiring):
    write_flow(tmp_path, "toy", """
        [steps.first]
        type = "set"
        values = { x = "1" }
        next = "second"
        [steps.second]
        type = "condition"
        if = "x"
        then = "first"
        else = "agent"
        """)
    flows, problems = read_flows(tmp_path)  # lint would refuse it; the engine must not spin either
    assert problems == []
    with pytest.raises(FlowRuntimeError, match="steps without the caller"):
        start_session(flows, "toy", {}, wiring)


def test_an_unknown_language_falls_back_to_the_flows_first(tmp_path, wiring, valid):
    catalog = catalog_of(tmp_path, """
        [steps.first]
        type = "set"
        values = { lang = "{call.language}" }
        next = "bye"
        [steps.bye]
        type = "hangup"
        prompt.ru = "Пока."
        prompt.en = "Bye."
        """)
    turn = start_session(catalog, "toy", {"language": "de"}, wiring)
    assert said(valid(turn.response)) == ["Пока."] and turn.language == "ru"


def test_the_flow_version_is_a_hash_of_the_file(tmp_path):
    path = write_flow(tmp_path, "toy", MENU)
    first = read_flow(path).version
    path.write_text(path.read_text() + "\n# a comment\n")
    assert read_flow(path).version != first and len(first) == 12


def test_state_is_plain_json(tmp_path, wiring):
    turn = start_session(catalog_of(tmp_path, MENU), "toy", {"from": "+7"}, wiring)
    assert json.loads(json.dumps(turn.state())) == turn.state()
