"""Every Socket.IO event of the agents' desk and the supervisors' floor, sent malformed by a logged-in user:
wrong types, missing keys, huge strings, lists instead of objects. Each is acknowledged, a refusal with a clear
error (never the catch-all "something went wrong") that stores nothing, and the console stays usable.

The events are read from the namespaces, so a new handler is fuzzed without touching this file."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from callcenter.console.events import DeskNamespace
from callcenter.console.floor_events import FloorNamespace
from crm_core.users import create_user

from .conftest import fuzz_settings, json_value

CATCH_ALL = "something went wrong; please try again"
KEYS = ("state", "reason", "call_sid", "to_agent", "queue", "note", "number", "customer_id", "disposition", "notes",
        "callback_at", "ticket_subject", "interaction_id", "offer_id", "response", "agent_id")


def events_of(namespace) -> list[str]:
    """The events a namespace handles (its on_<event> methods, but connecting and disconnecting)."""
    return sorted(name.removeprefix("on_") for name in vars(namespace)
                  if name.startswith("on_") and name not in ("on_connect", "on_disconnect"))


field_values = st.one_of(json_value, st.text(min_size=5000, max_size=20000), st.sampled_from(
    [True, 2 ** 63, -1, 0, 1.5, "1e3", "١٢", "available", "break", "offline", "CA" + "0" * 32, "+79123456789", "a\0b",
     "2026-06-01T18:30", "0001-01-01T00:00+14:00", "9999-12-31T23:59:59+00:00"]))
payloads = st.one_of(st.none(), json_value, st.lists(json_value, max_size=3),
                     st.fixed_dictionaries({}, optional={key: field_values for key in KEYS}))


@pytest.fixture
def console(desk_client, make_user):
    """A Socket.IO client of `namespace` for a fresh user of the role that namespace serves."""

    def connect(namespace: str):
        user = make_user("agent" if namespace == "/desk" else "supervisor")
        client = desk_client(user, namespace)
        assert client.is_connected(namespace)
        client.get_received(namespace)
        return client

    return connect


@pytest.mark.parametrize("namespace, event", [("/desk", event) for event in events_of(DeskNamespace)]
                         + [("/floor", event) for event in events_of(FloorNamespace)])
def test_a_malformed_event_is_refused_clearly_stores_nothing_and_the_console_stays_usable(
        namespace, event, console, isolated, row_counts, garbage):
    client = console(namespace)

    @fuzz_settings(max_examples=25)
    @given(payload=payloads)
    def send(payload):
        with isolated(keep_redis=True):
            before = row_counts()
            args = () if payload is None else (payload,)
            ack = client.emit(event, *args, namespace=namespace, callback=True)
            assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), ack
            if ack["ok"]:
                assert garbage() == []
            else:
                assert isinstance(ack["error"], str) and ack["error"] and ack["error"] != CATCH_ALL, ack
                assert row_counts() == before
            again = client.emit("force_state" if namespace == "/floor" else "transfer_targets", {},
                                namespace=namespace, callback=True)
            assert client.is_connected(namespace) and isinstance(again, dict), again

    send()


@pytest.mark.parametrize("payload", [[1, 2], "available", 42, ["state", "available"]])
def test_an_event_whose_data_is_not_an_object_is_refused_naming_the_data(console, payload):
    client = console("/desk")
    ack = client.emit("set_state", payload, namespace="/desk", callback=True)
    assert ack == {"ok": False, "error": "the event's data must be an object", "field": "data"}


@pytest.mark.parametrize("value, message", [
    (True, "must be a whole number"), (1.5, "must be a whole number"), ("1e3", "must be a whole number"),
    (2 ** 63, "is not the id of a record"), (0, "is not the id of a record"), ("١٢", "must be a whole number"),
])
def test_an_id_that_cannot_name_a_record_is_refused_naming_the_field(console, value, message):
    client = console("/desk")
    ack = client.emit("link_customer", {"interaction_id": value, "customer_id": 1}, namespace="/desk", callback=True)
    assert (ack["ok"], ack["field"], ack["error"]) == (False, "interaction_id", message)


def test_over_a_real_connection_malformed_events_are_refused_and_the_desk_keeps_working(console_client,
                                                                                          committed_session):
    agent = create_user(committed_session, username="fuzzed", full_name="Fuzzed Agent", role="agent",
                        password="correct horse battery")
    committed_session.commit()
    client = console_client(agent.id)
    for payload in ([1, 2], "x" * 200_000, {"state": {"nested": ["garbage"]}}, {"state": "x" * 200_000}):
        ack = client.call("set_state", payload, namespace="/desk", timeout=30)
        assert ack["ok"] is False and ack["error"] and ack["error"] != CATCH_ALL, ack
    assert client.call("set_state", {"state": "break"}, namespace="/desk", timeout=30) == {"ok": True,
                                                                                           "state": "break"}


def test_wrap_up_notes_with_a_nul_character_are_refused_naming_the_notes(console):
    client = console("/desk")
    ack = client.emit("wrap_up", {"interaction_id": 1, "disposition": "resolved", "notes": "called\0back"},
                      namespace="/desk", callback=True)
    assert (ack["ok"], ack["field"]) == (False, "notes")
