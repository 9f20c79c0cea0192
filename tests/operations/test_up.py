"""`callcenter up` (what `scripts/run` runs): every Procfile process started and wired, the consoles on the web
process, Twilio's (the sandbox's) requests on the voice process, and a call placed with `callcenter call`."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import TEST_SECRET, answers, free_port, wait_until

CALLCENTER = str(Path(sys.executable).parent / "callcenter")


def test_up_starts_the_platform_and_a_simulated_call_is_answered_by_the_voice_process(redis_url, tmp_path):
    port, voice_port, sandbox_port = free_port(), free_port(), free_port()
    env = dict(os.environ, PORT=str(port), VOICE_PORT=str(voice_port), SANDBOX_PORT=str(sandbox_port),
               PUBLIC_BASE_URL=f"http://127.0.0.1:{port}", TWILIO_API_BASE_URL=f"http://127.0.0.1:{sandbox_port}",
               DATABASE_URL=f"sqlite:///{tmp_path / 'callcenter.sqlite3'}", REDIS_URL=redis_url,
               SECRET_KEY=TEST_SECRET, VOICE_METRICS_DIR=str(tmp_path / "voice-metrics"))
    env.pop("VOICE_BASE_URL", None)
    log = tmp_path / "up.log"
    with open(log, "wb") as output:
        up = subprocess.Popen([CALLCENTER, "up", "--demo-customers", "0"], env=env, stdout=output,
                              stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until(lambda: up.poll() is None and "Twilio sandbox on" in log.read_text(errors="replace"), 90,
                   "the platform did not start")
        wait_until(lambda: answers(f"http://127.0.0.1:{port}/login"), 30, "the consoles' web process did not answer")
        call = subprocess.run([CALLCENTER, "call", "--from", "+7 916 123-45-67", "--press", "1"], env=env,
                              capture_output=True, text=True, timeout=120)
    finally:
        os.killpg(up.pid, signal.SIGTERM)
        up.wait(timeout=60)

    assert call.returncode == 0, call.stderr
    assert f"fetched POST http://127.0.0.1:{voice_port}/voice/incoming -> 200" in call.stdout
    assert f"fetched POST http://127.0.0.1:{voice_port}/voice/ivr/input?step=choose_language -> 200" in call.stdout
    assert "Чтобы узнать, где ваш заказ, нажмите 1." in call.stdout
    prefixes = {line.split("|")[0].split()[1] for line in log.read_text(errors="replace").splitlines()
                if re.match(r"\d\d:\d\d:\d\d \w+ +\|", line)}  # honcho's "12:00:00 voice   | ..."
    assert {"web", "voice", "worker", "pacer", "sandbox"} <= prefixes
