"""Run the Procfile's processes (web, voice, worker, pacer, sandbox) as their own processes on the given stores,
wired to each other, for a load run: the same command lines `callcenter up` starts, plus options for measuring."""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests
from honcho.environ import parse_procfile

from bench.server import free_port

ROOT = Path(__file__).resolve().parent.parent
# One line per request in the voice process's access log: method, path, status and gunicorn's request time in
# microseconds (from the request parsed to the response written; time waiting to be accepted is not included).
ACCESS_LOG_FORMAT = "%(m)s %(U)s %(s)s %(D)s"
ACCESS_LINE = re.compile(r"^(?P<method>\S+) (?P<path>\S+) (?P<status>\d{3}) (?P<micros>\d+)$")


class ProcfilePlatform:
    """The Procfile's processes on `database_url` and `redis_url`, each logging to `workdir`; a context manager.

    The consoles reach the web process at `url`, Twilio (the sandbox) the voice process at `voice_url`, as
    `callcenter up` wires them. `options` adds command-line options per process (say the sandbox's
    `--clock-speed`); `settings` are extra environment variables (Config keys) for all of them."""

    def __init__(self, workdir: Path, *, database_url: str, redis_url: str, secret_key: str,
                 options: dict[str, list[str]] | None = None, settings: dict[str, str] | None = None):
        self.workdir = workdir
        self.port, self.voice_port, self.sandbox_port = free_port(), free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.voice_url = f"http://127.0.0.1:{self.voice_port}"
        self.sandbox_url = f"http://127.0.0.1:{self.sandbox_port}"
        self.access_log = workdir / "voice-access.log"  # where the webhooks' requests are logged
        self.env = dict(
            os.environ, DATABASE_URL=database_url, REDIS_URL=redis_url, SECRET_KEY=secret_key, PORT=str(self.port),
            VOICE_PORT=str(self.voice_port), VOICE_METRICS_DIR=str(workdir / "voice-metrics"),
            SANDBOX_PORT=str(self.sandbox_port), PUBLIC_BASE_URL=self.url, VOICE_BASE_URL=self.voice_url,
            TWILIO_API_BASE_URL=self.sandbox_url, PYTHONPATH=str(ROOT),
            PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        ) | (settings or {})
        self.commands = parse_procfile((ROOT / "Procfile").read_text()).processes
        self.options = {"voice": ["--access-logfile", str(self.access_log), "--access-logformat", ACCESS_LOG_FORMAT]}
        for name, extra in (options or {}).items():
            self.options[name] = self.options.get(name, []) + extra
        self.processes: dict[str, subprocess.Popen] = {}

    def __enter__(self) -> ProcfilePlatform:
        try:
            for name, command in self.commands.items():
                line = " ".join([command, *map(shlex.quote, self.options.get(name, []))])
                with open(self.log_path(name), "wb") as log:
                    # Its own session: stopping it stops the shell's children too (gunicorn's workers).
                    self.processes[name] = subprocess.Popen(line, shell=True, env=self.env, cwd=ROOT,
                                                            stdout=log, stderr=subprocess.STDOUT,
                                                            start_new_session=True)
            self._wait_until(lambda: _answers(self.url + "/healthz") and _answers(self.voice_url + "/healthz"),
                             "web and voice")
            self._wait_until(lambda: "Twilio sandbox on" in self.log_path("sandbox").read_text(errors="replace"),
                             "sandbox")
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        for process in self.processes.values():
            _signal_group(process, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait(timeout=15)

    def log_path(self, name: str) -> Path:
        """Where a process's output goes."""
        return self.workdir / f"{name}.log"

    def logged_errors(self) -> dict[str, int]:
        """Per process, the tracebacks and ERROR lines it logged."""
        counts = {}
        for name in self.processes:
            text = self.log_path(name).read_text(errors="replace")
            counts[name] = text.count("Traceback (most recent call last)") + len(re.findall(r" ERROR ", text))
        return counts

    def access_log_offset(self) -> int:
        """The access log's current length: lines after it belong to what happens next."""
        return self.access_log.stat().st_size if self.access_log.exists() else 0

    def requests_since(self, offset: int, until: int | None = None) -> list[tuple[str, str, int, float]]:
        """(method, path, status, seconds) of each request the voice process finished between two offsets."""
        with open(self.access_log, "rb") as log:
            log.seek(offset)
            data = log.read() if until is None else log.read(until - offset)
        found = []
        for line in data.decode(errors="replace").splitlines():
            match = ACCESS_LINE.match(line.strip())
            if match:
                found.append((match["method"], match["path"], int(match["status"]), int(match["micros"]) / 1e6))
        return found

    def _wait_until(self, ready, name: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            for process_name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"the {process_name} process exited ({process.returncode}); see "
                                       f"{self.log_path(process_name)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the {name} process did not start within {timeout:.0f} s")
            time.sleep(0.2)


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).ok
    except requests.RequestException:
        return False


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass
