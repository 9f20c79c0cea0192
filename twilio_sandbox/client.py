"""SandboxClient: a small HTTP client of the control API, for tests and the CLI."""

from __future__ import annotations

import requests

from .transcript import format_transcript


class ControlApiError(RuntimeError):
    """The control API refused a request."""


class SandboxClient:
    """Talks to a running sandbox's /_sandbox/ API."""

    def __init__(self, base_url: str, *, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()

    def close(self) -> None:
        """Release the HTTP connections."""
        self.session.close()

    def __enter__(self) -> SandboxClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def add_account(self, sid: str, token: str, cps: float | None = None) -> dict:
        """Create an account."""
        return self._post("/accounts", {"account_sid": sid, "auth_token": token, "cps": cps})

    def set_callback_faults(self, account_sid: str, *, duplicate: bool = False, late_by: float = 0.0) -> dict:
        """Deliver the account's status callbacks twice and/or `late_by` real seconds late, out of order."""
        response = self.session.put(f"{self.base_url}/_sandbox/accounts/{account_sid}/callback-faults",
                                    json={"duplicate": duplicate, "late_by": late_by}, timeout=self.timeout)
        return self._json(response)

    def add_number(
        self,
        phone_number: str,
        account_sid: str,
        voice_url: str,
        voice_fallback_url: str | None = None,
        status_callback: str | None = None,
        voice_method: str = "POST",
    ) -> dict:
        """Register one of our numbers and its webhooks."""
        return self._post(
            "/numbers",
            {
                "phone_number": phone_number,
                "account_sid": account_sid,
                "voice_url": voice_url,
                "voice_method": voice_method,
                "voice_fallback_url": voice_fallback_url,
                "status_callback": status_callback,
            },
        )

    def place_call(self, from_: str, to: str, script: list[dict] | None = None, **extra: object) -> str:
        """Have a simulated customer dial one of our numbers; return the CallSid."""
        body = {"from": from_, "to": to, **extra}
        if script is not None:
            body["script"] = script
        return self._post("/calls", body)["sid"]

    def call(self, sid: str) -> dict:
        """Return a call with its transcript."""
        return self._get(f"/calls/{sid}")

    def calls(self) -> list[dict]:
        """Return summaries of all calls."""
        return self._get("/calls")

    def wait(self, sid: str, timeout: float = 30) -> dict:
        """Block until the call has ended and return it; raise TimeoutError otherwise."""
        response = self.session.get(
            f"{self.base_url}/_sandbox/calls/{sid}/wait", params={"timeout": timeout}, timeout=timeout + self.timeout
        )
        if response.status_code == 408:
            raise TimeoutError(f"call {sid} still {response.json()['status']} after {timeout}s")
        return self._json(response)

    def add_callee(
        self,
        number: str,
        behaviour: str = "human",
        answer_after: float = 1.0,
        talk_for: float | None = 5.0,
        script: list[dict] | None = None,
    ) -> dict:
        """Say how a number we call out to behaves."""
        return self._post(
            "/callees",
            {
                "number": number,
                "behaviour": behaviour,
                "answer_after": answer_after,
                "talk_for": talk_for,
                "script": script,
            },
            keep_none=("talk_for",),
        )

    def add_device(
        self, identity: str, auto_answer: bool = True, answer_after: float = 1.0, talk_for: float | None = None
    ) -> dict:
        """Register an agent device."""
        return self._post(
            "/devices",
            {"identity": identity, "auto_answer": auto_answer, "answer_after": answer_after, "talk_for": talk_for},
        )

    def answer(self, sid: str) -> dict:
        """Answer a ringing leg."""
        return self._post(f"/calls/{sid}/answer", {})

    def reject(self, sid: str) -> dict:
        """Decline a ringing leg."""
        return self._post(f"/calls/{sid}/reject", {})

    def hangup(self, sid: str) -> dict:
        """Make the simulated party on a call hang up."""
        return self._post(f"/calls/{sid}/hangup", {})

    def press(self, sid: str, digits: str) -> dict:
        """Press keys on a call that is collecting input."""
        return self._post(f"/calls/{sid}/press", {"digits": digits})

    def say(self, sid: str, text: str, confidence: float = 0.9) -> dict:
        """Speak on a call that is collecting input."""
        return self._post(f"/calls/{sid}/say", {"text": text, "confidence": confidence})

    def set_clock(self, speed: float) -> dict:
        """Change the clock speed."""
        return self._post("/clock", {"speed": speed})

    def request_log(self) -> list[dict]:
        """Return the REST requests the sandbox received."""
        return self._get("/log")

    def reset(self) -> dict:
        """Forget calls, queues, the log, callees and devices."""
        return self._post("/reset", {})

    @staticmethod
    def format_transcript(call: dict) -> str:
        """Render a call's transcript as readable lines."""
        return format_transcript(call)

    def _get(self, path: str):
        """GET a control API path."""
        return self._json(self.session.get(f"{self.base_url}/_sandbox{path}", timeout=self.timeout))

    def _post(self, path: str, body: dict, keep_none: tuple[str, ...] = ()):
        """POST JSON to a control API path, leaving out unset fields (except ``keep_none``)."""
        body = {key: value for key, value in body.items() if value is not None or key in keep_none}
        return self._json(self.session.post(f"{self.base_url}/_sandbox{path}", json=body, timeout=self.timeout))

    @staticmethod
    def _json(response: requests.Response):
        """Return the JSON answer or raise ControlApiError with the sandbox's message."""
        if response.status_code >= 400:
            try:
                message = response.json().get("error", response.text)
            except ValueError:
                message = response.text
            raise ControlApiError(f"{response.status_code}: {message}")
        return response.json()
