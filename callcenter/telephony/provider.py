"""`TwilioProvider`: place, redirect and end calls, dequeue callers, put calls in conferences, mint softphone
tokens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from requests import RequestException
from twilio.base.exceptions import TwilioRestException
from twilio.jwt.access_token import AccessToken
from twilio.jwt.access_token.grants import VoiceGrant
from twilio.rest import Client

from crm_core.calls import TERMINAL_STATUSES, StatusUpdate

from .http_client import RedirectingHttpClient

REAL_TWILIO_API = "https://api.twilio.com"
CALL_PROGRESS_EVENTS = ("initiated", "ringing", "answered", "completed")


class TelephonyError(Exception):
    """The provider refused or failed a request; carries Twilio's error code."""

    def __init__(self, message: str, *, status: int | None = None, code: int | None = None):
        super().__init__(message)
        self.status = status
        self.code = code


@dataclass(frozen=True)
class PlacedCall:
    """What the provider told us about a call it accepted."""

    sid: str
    status: str


@dataclass(frozen=True)
class EndedCall:
    """A call the provider reports over, as its final status callback would have told us."""

    final_status: StatusUpdate
    from_number: str | None
    to_number: str | None


@dataclass(frozen=True)
class Participant:
    """A call in a conference, as the provider reports it."""

    call_sid: str
    label: str | None
    muted: bool
    coaching: bool


class TwilioProvider:
    """Our calls to Twilio's REST API through the real `twilio` library."""

    def __init__(self, *, account_sid: str, auth_token: str, caller_id: str, api_base_url: str = REAL_TWILIO_API,
                 api_key: str = "", api_secret: str = "", twiml_app_sid: str = ""):
        http_client = None
        if api_base_url.rstrip("/") != REAL_TWILIO_API:
            http_client = RedirectingHttpClient(api_base_url, timeout=10)
        self.client = Client(account_sid, auth_token, http_client=http_client)
        self.sandbox_url = api_base_url if http_client is not None else None
        self.account_sid = account_sid
        self.caller_id = caller_id
        self._api_key, self._api_secret, self._twiml_app_sid = api_key, api_secret, twiml_app_sid

    @classmethod
    def from_config(cls, config: Mapping) -> "TwilioProvider":
        """A provider for the app's TWILIO_* settings."""
        return cls(
            account_sid=config["TWILIO_ACCOUNT_SID"], auth_token=config["TWILIO_AUTH_TOKEN"],
            caller_id=config["TWILIO_PHONE_NUMBER"], api_base_url=config["TWILIO_API_BASE_URL"],
            api_key=config.get("TWILIO_API_KEY", ""), api_secret=config.get("TWILIO_API_SECRET", ""),
            twiml_app_sid=config.get("TWILIO_TWIML_APP_SID", ""),
        )

    def place_call(self, to: str, *, url: str, status_callback: str, caller_id: str | None = None,
                   timeout: int = 30, machine_detection: str | None = None, fallback_url: str | None = None,
                   async_amd_callback: str | None = None) -> PlacedCall:
        """Dial `to`; its answer fetches `url`, progress is reported to `status_callback`."""
        options = dict(
            to=to, from_=caller_id or self.caller_id, url=url, method="POST",
            status_callback=status_callback, status_callback_method="POST",
            status_callback_event=list(CALL_PROGRESS_EVENTS), timeout=timeout,
        )
        if fallback_url:
            options["fallback_url"] = fallback_url
        if machine_detection:
            options["machine_detection"] = machine_detection
            if async_amd_callback:
                options.update(async_amd=True, async_amd_status_callback=async_amd_callback)
        call = self._do(lambda: self.client.calls.create(**options))
        return PlacedCall(sid=call.sid, status=call.status)

    def redirect_call(self, call_sid: str, url: str) -> None:
        """Make a live call continue with the TwiML at `url`."""
        self._do(lambda: self.client.calls(call_sid).update(url=url, method="POST"))

    def hang_up(self, call_sid: str) -> None:
        """End a call in progress (or cancel it while it is still ringing)."""
        call = self._do(lambda: self.client.calls(call_sid).fetch())
        status = "canceled" if call.status in ("queued", "ringing") else "completed"
        self._do(lambda: self.client.calls(call_sid).update(status=status))

    def dequeue(self, queue_name: str, url: str, call_sid: str = "Front") -> None:
        """Take a waiting caller (the first, or `call_sid`) out of `queue_name` to the TwiML at `url`."""
        queue = next((q for q in self._do(self.client.queues.list) if q.friendly_name == queue_name), None)
        if queue is None:
            raise TelephonyError(f"no queue named {queue_name!r}", status=404, code=20404)
        self._do(lambda: self.client.queues(queue.sid).members(call_sid).update(url=url, method="POST"))

    def ended_call(self, call_sid: str) -> EndedCall | None:
        """The final status of a call the provider reports over, or None while it goes on: for settling a call
        whose final status callback never reached us (Twilio does not retry them)."""
        call = self._do(lambda: self.client.calls(call_sid).fetch())
        if call.status not in TERMINAL_STATUSES:
            return None
        return EndedCall(StatusUpdate(call_sid=call.sid, status=call.status, timestamp=call.end_time,
                                      call_duration=int(call.duration) if call.duration else None,
                                      answered_by=call.answered_by),
                         from_number=call._from, to_number=call.to)

    def add_to_conference(self, room: str, to: str, *, label: str, muted: bool = False, coach: str | None = None,
                          end_conference_on_exit: bool = False, timeout: int = 30,
                          status_callback: str | None = None) -> str:
        """Call `to` into the conference named `room` (opened by the first one in), silently; `coach`: the CallSid
        of the only participant who hears this one. Returns the new leg's CallSid."""
        options = dict(from_=self.caller_id, to=to, label=label, muted=muted, beep="false",
                       end_conference_on_exit=end_conference_on_exit, timeout=timeout)
        if coach:
            options.update(coaching=True, call_sid_to_coach=coach)
        if status_callback:
            options.update(status_callback=status_callback, status_callback_method="POST",
                           status_callback_event=["answered", "completed"])
        participant = self._do(lambda: self.client.conferences(room).participants.create(**options))
        return participant.call_sid

    def participants(self, room: str) -> list[Participant]:
        """Who is in the conference named `room` now."""
        return [Participant(call_sid=p.call_sid, label=p.label, muted=bool(p.muted), coaching=bool(p.coaching))
                for p in self._do(lambda: self._conference(room).participants.list())]

    def update_participant(self, room: str, call_sid: str, *, muted: bool, coach: str | None = None) -> None:
        """Mute or unmute a participant, and make them coach `coach` (heard by that participant only) or not."""
        options = dict(muted=muted, coaching=bool(coach))
        if coach:
            options["call_sid_to_coach"] = coach
        self._do(lambda: self._conference(room).participants(call_sid).update(**options))

    def remove_participant(self, room: str, call_sid: str) -> None:
        """Take a participant out of the conference (a leg we called into it hangs up)."""
        self._do(lambda: self._conference(room).participants(call_sid).delete())

    def _conference(self, room: str):
        """The conference in progress named `room` (its SID addresses it: Twilio's names are not unique)."""
        found = self._do(lambda: self.client.conferences.list(friendly_name=room, status="in-progress", limit=1))
        if not found:
            raise TelephonyError(f"no conference {room!r} in progress", status=404, code=20404)
        return self.client.conferences(found[0].sid)

    def access_token(self, identity: str, ttl: int = 3600) -> str:
        """A Voice JWT that lets the agent's browser softphone receive `<Client>identity</Client>` calls."""
        if not (self._api_key and self._api_secret):
            raise TelephonyError("TWILIO_API_KEY and TWILIO_API_SECRET are needed for softphone tokens")
        token = AccessToken(self.account_sid, self._api_key, self._api_secret, identity=identity, ttl=ttl)
        token.add_grant(VoiceGrant(outgoing_application_sid=self._twiml_app_sid or None, incoming_allow=True))
        return token.to_jwt()

    @property
    def is_sandbox(self) -> bool:
        """Whether calls go to the local Twilio sandbox rather than to Twilio."""
        return self.sandbox_url is not None

    def answer_for_browser(self, identity: str) -> None:
        """Sandbox only: a browser has no softphone there, so the sandbox answers `<Client>identity</Client>` calls
        in its place (an agent's demo call, a supervisor's monitoring)."""
        from twilio_sandbox import SandboxClient

        if not self.is_sandbox:
            return
        with SandboxClient(self.sandbox_url) as sandbox:
            self._do(lambda: sandbox.add_device(f"client:{identity}", auto_answer=True, answer_after=1.0))

    @staticmethod
    def _do(request):
        try:
            return request()
        except TwilioRestException as exc:
            raise TelephonyError(exc.msg, status=exc.status, code=exc.code) from exc
        except RequestException as exc:  # Twilio could not be reached: as much a failure of the request
            raise TelephonyError(f"the telephony provider could not be reached: {exc}") from exc
