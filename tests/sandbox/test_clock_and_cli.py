"""Simulated time, the control API's housekeeping, and the command line."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest
import requests

from twilio_sandbox import Clock, ControlApiError, parse_press_script
from twilio_sandbox.cli import build_parser

from .conftest import CUSTOMER, eventually


def test_clock_runs_speed_times_faster_than_real_time():
    clock = Clock(speed=50)
    started_real, started_sim = time.monotonic(), clock.now()

    clock.sleep(5)

    assert time.monotonic() - started_real == pytest.approx(0.1, abs=0.05)
    assert clock.now() - started_sim == pytest.approx(5, abs=2.5)


def test_changing_the_speed_does_not_make_time_jump():
    clock = Clock(speed=1000)
    before = clock.now()

    clock.set_speed(1)

    assert 0 <= clock.now() - before < 1


def test_a_waiting_thread_picks_up_a_new_speed():
    clock = Clock(speed=1)
    condition = threading.Condition()
    deadline = clock.now() + 100

    def speed_up() -> None:
        time.sleep(0.05)
        clock.set_speed(1000)
        with condition:
            condition.notify_all()

    threading.Thread(target=speed_up).start()
    started = time.monotonic()
    with condition:
        clock.wait_for(condition, lambda: False, deadline)

    assert time.monotonic() - started < 1


def test_a_zero_or_negative_speed_is_refused(control):
    with pytest.raises(ValueError):
        Clock(speed=0)
    with pytest.raises(ControlApiError):
        control.set_clock(-1)


def test_pauses_take_simulated_time_at_the_clock_speed(control, customer, our_number):
    customer.twiml("/voice", lambda r, p: r.pause(length=60))
    control.set_clock(600)
    started = time.monotonic()

    call = control.wait(control.place_call(CUSTOMER, our_number, script=[]))

    assert time.monotonic() - started < 1.5
    assert call["duration"] >= 60


def test_reset_forgets_calls_but_keeps_numbers(control, customer, our_number):
    customer.twiml("/voice", lambda r, p: r.pause(length=600))
    sid = control.place_call(CUSTOMER, our_number, script=[])
    control.add_device("client:alice")

    control.reset()

    assert control.calls() == []
    assert control.request_log() == []
    eventually(lambda: customer.requests_to("/status"), message="the reset call never ended")
    assert control.place_call(CUSTOMER, our_number, script=[]) != sid


def test_control_api_explains_bad_requests(control, our_number, sandbox_url):
    with pytest.raises(ControlApiError, match="not a sandbox number"):
        control.place_call(CUSTOMER, "+70000000000", script=[])
    with pytest.raises(ControlApiError, match="cannot press"):
        control.place_call(CUSTOMER, our_number, script=[{"press": "12a"}])
    with pytest.raises(ControlApiError, match="behaviour"):
        control.add_callee("+79990001122", "grumpy")
    assert requests.post(f"{sandbox_url}/_sandbox/calls", data="x", timeout=5).status_code == 400


def test_live_input_is_refused_when_the_call_is_not_listening(control, customer, our_number):
    customer.twiml("/voice", lambda r, p: r.pause(length=600))
    sid = control.place_call(CUSTOMER, our_number, script=[])
    eventually(lambda: customer.requests_to("/voice"))

    with pytest.raises(ControlApiError, match="409"):
        control.press(sid, "1")
    control.hangup(sid)
    assert control.wait(sid)["status"] == "completed"


def test_wait_times_out_for_a_call_that_goes_on(control, customer, our_number):
    customer.twiml("/voice", lambda r, p: r.pause(length=600))
    sid = control.place_call(CUSTOMER, our_number, script=[])

    with pytest.raises(TimeoutError):
        control.wait(sid, timeout=0.2)
    control.hangup(sid)


def test_press_scripts_split_on_spaces():
    assert parse_press_script("1 10045#") == [{"press": "1"}, {"press": "10045#"}]
    assert parse_press_script("") == []


def test_the_command_line_takes_the_documented_options():
    args = build_parser().parse_args(
        ["--host", "0.0.0.0", "--port", "8099", "--account-sid", "AC1", "--auth-token", "t", "--clock-speed", "20"]
    )

    assert (args.host, args.port, args.account_sid, args.auth_token, args.clock_speed, args.cps) == (
        "0.0.0.0",
        8099,
        "AC1",
        "t",
        20.0,
        1.0,
    )


def test_python_dash_m_runs_the_cli():
    result = subprocess.run(
        [sys.executable, "-m", "twilio_sandbox", "--help"], capture_output=True, text=True, timeout=30
    )

    assert result.returncode == 0
    assert "--clock-speed" in result.stdout
