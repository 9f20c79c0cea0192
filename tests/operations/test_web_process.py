"""The web and voice processes as the Procfile starts them: JSON lines from the first line, the call on a webhook's
lines, signed webhooks answered by the voice process's workers, and /metrics answering for all of a server's workers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import requests
from honcho.environ import parse_procfile
from twilio.request_validator import RequestValidator

from callcenter.config import SANDBOX_AUTH_TOKEN
from tests.conftest import TEST_SECRET, answers, call_params, children, free_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CALL_SID = "CA" + "5e" * 16


def test_the_procfile_web_process_writes_json_lines_and_serves_metrics(database_url, redis_url, tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with procfile_process("web", tmp_path, DATABASE_URL=database_url, REDIS_URL=redis_url, PORT=str(port),
                          LOG_FORMAT="json", PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"), PUBLIC_BASE_URL=url):
        forged = requests.post(url + "/voice/status", data={"CallSid": CALL_SID}, headers={"X-Twilio-Signature": "x"},
                               timeout=30)
        metrics = requests.get(url + "/metrics", timeout=30)

    assert forged.status_code == 403
    assert 'callcenter_webhook_duration_seconds_count{endpoint="voice.status",status="403"} 1.0' in metrics.text
    lines = [json.loads(line) for line in (tmp_path / "web.log").read_text().splitlines()]
    assert lines[0]["logger"] == "gunicorn.error" and lines[0]["message"].startswith("Starting gunicorn")
    [rejected] = [line for line in lines if line["logger"] == "callcenter.voice.security"]
    assert rejected["call_sid"] == CALL_SID


def test_the_procfile_voice_process_answers_webhooks_with_several_workers_and_counts_them_all(
        database_url, redis_url, tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    validator = RequestValidator(SANDBOX_AUTH_TOKEN)
    with procfile_process("voice", tmp_path, DATABASE_URL=database_url, REDIS_URL=redis_url, VOICE_PORT=str(port),
                          VOICE_METRICS_DIR=str(tmp_path / "voice-metrics"), VOICE_BASE_URL=url) as voice:
        workers = children(voice.pid)  # the shell exec'd env, env exec'd gunicorn: its master is voice.pid

        def incoming_call(n: int) -> requests.Response:
            params = call_params(f"CA{n:032x}", from_number="+79161234567")
            return requests.post(url + "/voice/incoming", data=params, timeout=30, headers={
                "X-Twilio-Signature": validator.compute_signature(url + "/voice/incoming", params)})

        with ThreadPoolExecutor(8) as callers:  # calls at once, so that both workers answer some
            answers = list(callers.map(incoming_call, range(40)))
        scrapes = [requests.get(url + "/metrics", timeout=30).text for _ in range(6)]

    assert len(workers) == 2
    assert all(a.status_code == 200 and b"<Gather" in a.content for a in answers)
    # Whichever worker answers a scrape, it reports the requests of both.
    total = 'callcenter_webhook_duration_seconds_count{endpoint="voice.incoming",status="200"} 40.0'
    assert all(total in scrape for scrape in scrapes)


@contextmanager
def procfile_process(name: str, tmp_path: Path, **settings: str) -> Iterator[subprocess.Popen]:
    """The Procfile's `name` line, run through the shell as a process manager runs it, logging to tmp_path/NAME.log;
    yielded once it answers /healthz, stopped with SIGTERM afterwards."""
    command = parse_procfile((PROJECT_ROOT / "Procfile").read_text()).processes[name]
    env = dict(os.environ, SECRET_KEY=TEST_SECRET,
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", **settings)
    port = settings["VOICE_PORT"] if name == "voice" else settings["PORT"]
    with open(tmp_path / f"{name}.log", "wb") as log:
        process = subprocess.Popen(f"exec {command}", shell=True, env=env, cwd=PROJECT_ROOT, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for(lambda: answers(f"http://127.0.0.1:{port}/healthz"), process)
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def _wait_for(condition, process, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, "the web process exited"
        assert time.monotonic() < deadline, "the web process did not answer in time"
        time.sleep(0.1)
