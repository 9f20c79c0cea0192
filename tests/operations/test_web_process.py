"""The web process as the Procfile starts it: JSON lines from its first line, the call on a webhook's lines,
and /metrics answering for the server's workers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests
from honcho.environ import parse_procfile

from tests.conftest import TEST_SECRET, free_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CALL_SID = "CA" + "5e" * 16


def test_the_procfile_web_process_writes_json_lines_and_serves_metrics(database_url, redis_url, tmp_path):
    port = free_port()
    command = parse_procfile((PROJECT_ROOT / "Procfile").read_text()).processes["web"]
    env = dict(os.environ, DATABASE_URL=database_url, REDIS_URL=redis_url, SECRET_KEY=TEST_SECRET, PORT=str(port),
               LOG_FORMAT="json", PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
               PUBLIC_BASE_URL=f"http://127.0.0.1:{port}", PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    url = f"http://127.0.0.1:{port}"
    with open(tmp_path / "web.log", "wb") as log:
        web = subprocess.Popen(command, shell=True, env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        _wait_for(lambda: _answers(url + "/healthz"), web)
        forged = requests.post(url + "/voice/status", data={"CallSid": CALL_SID}, headers={"X-Twilio-Signature": "x"},
                               timeout=30)
        metrics = requests.get(url + "/metrics", timeout=30)
    finally:
        os.killpg(web.pid, signal.SIGTERM)
        web.wait(timeout=30)

    assert forged.status_code == 403
    assert 'callcenter_webhook_duration_seconds_count{endpoint="voice.status",status="403"} 1.0' in metrics.text
    lines = [json.loads(line) for line in (tmp_path / "web.log").read_text().splitlines()]
    assert lines[0]["logger"] == "gunicorn.error" and lines[0]["message"].startswith("Starting gunicorn")
    [rejected] = [line for line in lines if line["logger"] == "callcenter.voice.security"]
    assert rejected["call_sid"] == CALL_SID


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).ok
    except requests.RequestException:
        return False


def _wait_for(condition, process, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, "the web process exited"
        assert time.monotonic() < deadline, "the web process did not answer in time"
        time.sleep(0.1)
