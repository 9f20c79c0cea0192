"""Two web processes behind one Redis: a call reaching process A pops on an agent connected to process B."""

import os
import subprocess
import sys
import time

import pytest
import requests
import socketio as socketio_client
from twilio.request_validator import RequestValidator

from callcenter import create_app
from callcenter.config import SANDBOX_AUTH_TOKEN
from crm_core import models
from crm_core.users import create_user
from tests.conftest import TEST_SECRET, EventInbox, call_params, free_port


@pytest.fixture
def web_processes(database_url, redis_url, redis_client, committed_session):
    """Start `n` gunicorn web processes (the Procfile's web command) on the test stores; yields their URLs."""
    started = []

    def start(n: int) -> list[str]:
        for _ in range(n):
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            env = dict(os.environ, DATABASE_URL=database_url, REDIS_URL=redis_url, SECRET_KEY=TEST_SECRET,
                       PUBLIC_BASE_URL=url)
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--worker-class", "gthread", "--workers", "1", "--threads", "8",
                 "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "callcenter.wsgi:app"], env=env)
            started.append(process)
            deadline = time.monotonic() + 30
            while True:
                try:
                    if requests.get(url + "/healthz", timeout=1).ok:
                        break
                except requests.RequestException:
                    pass
                assert time.monotonic() < deadline, "web process did not start"
                time.sleep(0.1)
        return [f"http://127.0.0.1:{p.args[p.args.index('--bind') + 1].split(':')[1]}" for p in started]

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=10)


def test_screen_pop_reaches_an_agent_connected_to_another_process(web_processes, committed_session, database_url,
                                                                   redis_url):
    customer = models.Customer(first_name="Пётр", last_name="Смирнов", language="ru")
    customer.phones = [models.PhoneNumber(e164="+79031112233", kind="mobile", region="RU")]
    committed_session.add(customer)
    agent = create_user(committed_session, username="anna", full_name="Анна", role="agent", password="correct horse")
    committed_session.commit()
    process_a, process_b = web_processes(2)

    signer = create_app({"DATABASE_URL": database_url, "REDIS_URL": redis_url, "SECRET_KEY": TEST_SECRET,
                         "SOCKETIO_MESSAGE_QUEUE": "off"}, environ={})
    cookie = signer.session_interface.get_signing_serializer(signer).dumps({"_user_id": str(agent.id), "_fresh": True})
    desk = socketio_client.Client(reconnection=False)
    inbox = EventInbox()
    desk.on("*", inbox.put, namespace="/desk")
    desk.connect(process_b, namespaces=["/desk"], transports=["websocket"],
                 headers={"Cookie": f"session={cookie}"})
    try:
        assert desk.call("set_state", {"state": "available"}, namespace="/desk", timeout=5)["ok"]
        params = call_params("CA" + "ab" * 16, from_number="+79031112233", QueuePosition="1")
        url = process_a + "/voice/queue/wait?queue=support"
        signature = RequestValidator(SANDBOX_AUTH_TOKEN).compute_signature(url, params)
        response = requests.post(url, data=params, headers={"X-Twilio-Signature": signature}, timeout=10)
        assert response.status_code == 200 and b"<Say" in response.content

        offer = inbox.wait_for("offer", timeout=10)
        assert offer["call"]["call_sid"] == "CA" + "ab" * 16
        assert offer["history"]["customer"]["display_name"] == "Пётр Смирнов"
    finally:
        desk.disconnect()


def test_platforms_sharing_a_redis_server_do_not_hear_each_others_console_events(redis_url, database_url):
    """Pub/Sub ignores database numbers: each database gets its own Socket.IO channel."""
    from urllib.parse import urlparse

    server = urlparse(redis_url)._replace(path="").geturl()
    channels = []
    for database in ("3", "4", "3"):
        app = create_app({"DATABASE_URL": database_url, "REDIS_URL": f"{server}/{database}", "SECRET_KEY": TEST_SECRET},
                         environ={})
        channels.append(app.extensions["socketio"].server.manager.channel)
    assert channels[0] != channels[1] and channels[0] == channels[2]
