"""Twilio's JSON representations of the REST resources the sandbox serves."""

from __future__ import annotations

from urllib.parse import urlencode

from .calls import Call
from .clock import rfc2822
from .conferences import Conference, Participant
from .params import API_VERSION, formatted
from .queues import Member, Queue

_CALL_SUBRESOURCES = (
    "notifications",
    "recordings",
    "payments",
    "events",
    "siprec",
    "streams",
    "transcriptions",
    "user_defined_message_subscriptions",
    "user_defined_messages",
)
_SUBRESOURCE_PATHS = {
    "user_defined_message_subscriptions": "UserDefinedMessageSubscriptions",
    "user_defined_messages": "UserDefinedMessages",
}


def account_uri(account_sid: str) -> str:
    """Return the base of every resource URI of an account."""
    return f"/{API_VERSION}/Accounts/{account_sid}"


def call_json(call: Call) -> dict:
    """Return the api.v2010.account.call representation."""
    base = f"{account_uri(call.account_sid)}/Calls/{call.sid}"
    duration = call.duration
    queue_time = 0 if call.placed_at is None else max(0, int((call.placed_at - call.date_created) * 1000))
    return {
        "sid": call.sid,
        "date_created": rfc2822(call.date_created),
        "date_updated": rfc2822(call.date_updated or call.date_created),
        "parent_call_sid": call.parent_call_sid,
        "account_sid": call.account_sid,
        "to": call.to,
        "to_formatted": formatted(call.to),
        "from": call.from_,
        "from_formatted": formatted(call.from_),
        "phone_number_sid": call.phone_number_sid,
        "status": call.status,
        "start_time": _date(call.start_time),
        "end_time": _date(call.end_time),
        "duration": None if duration is None else str(duration),
        "price": None,
        "price_unit": "USD",
        "direction": call.direction,
        "answered_by": call.answered_by,
        "api_version": API_VERSION,
        "forwarded_from": call.forwarded_from,
        "group_sid": None,
        "caller_name": call.caller_name,
        "queue_time": str(queue_time),
        "trunk_sid": None,
        "uri": f"{base}.json",
        "subresource_uris": {
            name: f"{base}/{_SUBRESOURCE_PATHS.get(name, name.capitalize())}.json" for name in _CALL_SUBRESOURCES
        },
    }


def queue_json(queue: Queue, now: float) -> dict:
    """Return the api.v2010.account.queue representation."""
    return {
        "date_updated": rfc2822(queue.date_updated or queue.date_created),
        "current_size": len(queue.members),
        "friendly_name": queue.friendly_name,
        "uri": f"{account_uri(queue.account_sid)}/Queues/{queue.sid}.json",
        "account_sid": queue.account_sid,
        "average_wait_time": queue.average_wait(now),
        "sid": queue.sid,
        "date_created": rfc2822(queue.date_created),
        "max_size": queue.max_size,
    }


def member_json(queue: Queue, member: Member, position: int, now: float) -> dict:
    """Return the api.v2010.account.queue.member representation."""
    return {
        "call_sid": member.call_sid,
        "date_enqueued": rfc2822(member.date_enqueued),
        "position": position,
        "uri": f"{account_uri(queue.account_sid)}/Queues/{queue.sid}/Members/{member.call_sid}.json",
        "wait_time": int(now - member.date_enqueued),
        "queue_sid": queue.sid,
    }


def page_json(
    key: str, items: list[dict], path: str, page: int, page_size: int, filters: dict[str, str] | None = None
) -> dict:
    """Return one page of a list resource, with Twilio's paging keys."""
    filters = filters or {}

    def uri(number: int) -> str:
        return f"{path}?{urlencode({**filters, 'PageSize': page_size, 'Page': number})}"

    chunk = items[page * page_size : (page + 1) * page_size]
    has_next = (page + 1) * page_size < len(items)
    return {
        key: chunk,
        "end": page * page_size + max(len(chunk) - 1, 0),
        "first_page_uri": uri(0),
        "next_page_uri": uri(page + 1) if has_next else None,
        "page": page,
        "page_size": page_size,
        "previous_page_uri": uri(page - 1) if page > 0 else None,
        "start": page * page_size,
        "uri": uri(page),
    }


def _date(timestamp: float | None) -> str | None:
    """Format an optional timestamp."""
    return None if timestamp is None else rfc2822(timestamp)


def conference_json(conference: Conference) -> dict:
    """Return the api.v2010.account.conference representation."""
    base = f"{account_uri(conference.account_sid)}/Conferences/{conference.sid}"
    return {
        "account_sid": conference.account_sid,
        "date_created": rfc2822(conference.date_created),
        "date_updated": rfc2822(conference.date_updated or conference.date_created),
        "api_version": API_VERSION,
        "friendly_name": conference.friendly_name,
        "region": "us1",
        "sid": conference.sid,
        "status": conference.status,
        "uri": f"{base}.json",
        "subresource_uris": {"participants": f"{base}/Participants.json", "recordings": f"{base}/Recordings.json"},
        "reason_conference_ended": conference.reason_conference_ended,
        "call_sid_ending_conference": conference.call_sid_ending_conference,
    }


def participant_json(conference: Conference, participant: Participant) -> dict:
    """Return the api.v2010.account.conference.participant representation."""
    base = f"{account_uri(conference.account_sid)}/Conferences/{conference.sid}"
    return {
        "account_sid": conference.account_sid,
        "call_sid": participant.call_sid,
        "label": participant.label,
        "call_sid_to_coach": participant.call_sid_to_coach,
        "coaching": participant.coaching,
        "conference_sid": conference.sid,
        "date_created": rfc2822(participant.date_created),
        "date_updated": rfc2822(participant.date_updated or participant.date_created),
        "end_conference_on_exit": participant.end_conference_on_exit,
        "muted": participant.muted,
        "hold": participant.hold,
        "start_conference_on_enter": participant.start_conference_on_enter,
        "status": participant.status,
        "queue_time": "0",
        "uri": f"{base}/Participants/{participant.call_sid}.json",
    }
