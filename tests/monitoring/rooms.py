"""What the sandbox shows of a call's conference: who joined it, and how each participant is heard."""

from __future__ import annotations


def room_of(call_sid: str) -> str:
    """The conference a caller talks to their agent in."""
    return f"call-{call_sid}"


def devices_in_room(sandbox, call_sid: str, prefix: str = "client:agent-") -> list[str]:
    """The devices (`client:agent-N` by default) that joined the caller's conference, in the order they joined."""
    joined = []
    for summary in sandbox.calls():
        if not summary["to"].startswith(prefix):
            continue
        rooms = [e for e in sandbox.call(summary["sid"])["transcript"]
                 if e["event"] == "conference" and e["name"] == room_of(call_sid)]
        joined += [(event["t"] + summary["created_at"], summary["to"]) for event in rooms]
    return [to for _, to in sorted(joined)]


def participants(twilio_client, call_sid: str) -> dict[str, object]:
    """The participants of the caller's conference in progress, by label (empty once it has ended)."""
    rooms = twilio_client.conferences.list(friendly_name=room_of(call_sid), status="in-progress")
    if not rooms:
        return {}
    return {p.label or "customer": p for p in twilio_client.conferences(rooms[0].sid).participants.list()}
