"""What a load run is judged on besides latency: the errors any party saw, and the records left behind (every call
placed has exactly one interaction with its final status and outcome; no dial attempt reached the provider twice)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_core import models
from crm_core.calls import TERMINAL_STATUSES

# What the sandbox noted in a call's transcript that a caller would have suffered from.
SANDBOX_FAILURE = 0  # twilio_sandbox.engine: the sandbox itself failed


def transcript_errors(calls: list[dict]) -> Counter:
    """Webhook failures as the sandbox (Twilio's stand-in) saw them: HTTP 5xx, other failed fetches by Twilio error
    code (4xx, timeouts, invalid TwiML), the fallback URL used, failed status callbacks, skipped verbs, and the
    sandbox's own failures."""
    counts: Counter = Counter()
    for call in calls:
        for event in call["transcript"]:
            kind, status = event["event"], event.get("status_code")
            if kind in ("fetch", "status_callback", "amd_callback"):
                if status is not None and status >= 500:
                    counts[f"{kind}: HTTP {status}"] += 1
                elif event.get("error_code") or (kind != "fetch" and status != 200):
                    counts[f"{kind}: error {event.get('error_code') or status}"] += 1
                if kind == "fetch" and "/voice/fallback" in event["url"]:
                    counts["fallback URL used"] += 1
            elif kind == "unsupported":
                counts[f"unsupported <{event['verb']}>"] += 1
            elif kind == "error" and event["code"] == SANDBOX_FAILURE:
                counts["sandbox failure"] += 1
    return counts


def record_integrity(session: Session, calls: list[dict], request_log: list[dict], *, campaign_id: int,
                     since: datetime) -> dict:
    """Check the CRM against what the sandbox saw: `calls` (each call placed, its records) and `dials` (the
    campaign's attempts); each a count of problems by kind, with a few examples."""
    placed = [c for c in calls if not c["parent_call_sid"] and not c["to"].startswith("client:")]
    attempts = list(session.scalars(sa.select(models.DialAttempt).where(models.DialAttempt.campaign_id == campaign_id)))
    outcomes = {o.attempt_id: o.outcome for o in session.scalars(
        sa.select(models.AttemptOutcome).join(models.DialAttempt).where(models.DialAttempt.campaign_id == campaign_id))}
    summary: Counter = Counter()
    calls_found = _call_problems(session, placed, {c["sid"] for c in calls}, attempts, outcomes, since, summary)
    dials_found = _dial_problems(placed, request_log, attempts, outcomes)
    session.rollback()
    return {"calls": len(placed), "agent_legs": len(calls) - len(placed), "attempts": len(attempts),
            "summary": dict(sorted(summary.items())), "call_problems": calls_found.counts,
            "dial_problems": dials_found.counts, "examples": calls_found.examples + dials_found.examples}


class _Problems:
    """Problems counted by kind, with the first few examples."""

    def __init__(self):
        self.counts: dict[str, int] = {}
        self.examples: list[str] = []

    def add(self, kind: str, subject: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        if len(self.examples) < 10:
            self.examples.append(f"{kind}: {subject}")


def _call_problems(session: Session, placed: list[dict], known: set[str], attempts: list[models.DialAttempt],
                   outcomes: dict[int, str], since: datetime, summary: Counter) -> _Problems:
    """Each call (not the agents' legs) has exactly one interaction in a final status with an outcome: the IVR's
    for inbound calls, the attempt's for campaign calls, a disposition once an agent had it; and no interaction
    since `since` belongs to a call nobody placed."""
    problems = _Problems()
    interactions = _interactions(session, [c["sid"] for c in placed])
    attempt_of_call = {a.call_sid: a for a in attempts if a.call_sid}
    for call in placed:
        sid, interaction = call["sid"], interactions.get(call["sid"])
        if not call["ended"]:
            problems.add("call still going", sid)
        if interaction is None:
            problems.add("no interaction", sid)
            continue
        if interaction.status not in TERMINAL_STATUSES:
            problems.add(f"interaction left {interaction.status}", sid)
        if call["direction"] == "inbound":
            summary[f"inbound {interaction.ivr_outcome}"] += 1
            if interaction.ivr_outcome is None:
                problems.add("inbound call without IVR outcome", sid)
        else:
            attempt = attempt_of_call.get(sid)
            summary[f"campaign {outcomes.get(attempt.id) if attempt else None}"] += 1
            if attempt is None or attempt.id not in outcomes:
                problems.add("campaign call without attempt outcome", sid)
        if interaction.agent_id is not None:
            summary["handled by an agent"] += 1
            if interaction.disposition is None:
                problems.add("agent's call without disposition", sid)
        if interaction.review_reason:
            problems.add(f"flagged: {interaction.review_reason}", sid)
    for sid in session.scalars(sa.select(models.Interaction.call_sid).where(
            models.Interaction.started_at >= since, models.Interaction.call_sid.is_not(None))):
        if sid not in known:
            problems.add("interaction of a call nobody placed", sid)
    return problems


def _dial_problems(placed: list[dict], request_log: list[dict], attempts: list[models.DialAttempt],
                   outcomes: dict[int, str]) -> _Problems:
    """Each attempt decided and placed at most once; each number called as often as its attempts were placed."""
    problems = _Problems()
    created = Counter(_attempt_of(e) for e in request_log
                      if e["method"] == "POST" and e["path"].endswith("/Calls.json") and e["status"] == 201)
    for attempt_id, times in created.items():
        if times > 1:
            problems.add(f"attempt placed {times} times", str(attempt_id))
    for attempt in attempts:
        if attempt.id not in outcomes:
            problems.add(f"attempt {attempt.status} without outcome", str(attempt.id))
    calls_to = Counter(c["to"] for c in placed if c["direction"] != "inbound")
    dialed = Counter(a.e164 for a in attempts if a.call_sid)
    for number in set(calls_to) | set(dialed):
        if calls_to[number] != dialed[number]:
            problems.add(f"{calls_to[number]} calls to a number with {dialed[number]} attempts placed", number)
    return problems


def _interactions(session: Session, sids: list[str]) -> dict[str, models.Interaction]:
    found = {}
    for start in range(0, len(sids), 500):
        for interaction in session.scalars(sa.select(models.Interaction).where(
                models.Interaction.call_sid.in_(sids[start:start + 500]))):
            found[interaction.call_sid] = interaction
    return found


def _attempt_of(entry: dict) -> int | None:
    """The dial attempt a REST call creation was for (our answer URL names it)."""
    attempt = dict(parse_qsl(urlsplit(entry.get("params", {}).get("Url", "")).query)).get("attempt")
    return int(attempt) if attempt and attempt.isdigit() else None
