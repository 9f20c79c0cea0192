"""Preview dialing: an available agent is given the next due lead of a running preview campaign, with the lead,
the customer's history and the script, and decides to call it or skip it.

Who gets leads: every available agent whose skills name the campaign's queue (`campaign-<id>`, or the campaign's
own queue name), and every agent with no skills at all (not restricted, as in the ACD). Giving an agent that skill
is the opt-in: an agent kept for inbound work ("support", "orders") is never held up previewing leads.

Call: a dial attempt in preview mode is created and placed by the same rq job as every other attempt
(`dialer.jobs.place_attempt`): the compliance gate decides at that moment, and a refusal is shown to the agent
with its reasons while the lead is closed or retried as the gate's answer says. Answered, the call goes straight
to the agent (never to a queue), so it can never be abandoned. Skip: the lead is due again after SKIP_DELAY and
the skip is its last outcome.

Framework-free: the shell passes the desk (session, router, notify) and an `enqueue(attempt_id)`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable, Iterable

import sqlalchemy as sa

from agent_console.desk import Desk, DeskError
from agent_console.routing import AgentStatus, RoutingError
from agent_console.screenpop import party_history
from crm_core.models import Campaign, CampaignDialing, DialAttempt, Interaction, Lead

from .campaigns import lead_context
from .engine import campaign_queue, start_attempt
from .recycle import due_leads, lead_schedule

# The lead status while an agent previews it: no pacer, job or other agent takes it meanwhile.
PREVIEWING = "previewing"
SKIP_DELAY = timedelta(minutes=15)
SKIPPED = "skipped"


def offer_previews(desk: Desk, *, now: datetime, agent_ids: Iterable[int] | None = None) -> list[int]:
    """Give each available agent (of `agent_ids`, default every one) the next due lead of a running preview
    campaign they may take; leads left by agents who stopped previewing are due again. Returns the leads given."""
    campaigns = desk.session.scalars(sa.select(Campaign).where(
        Campaign.status == "running", Campaign.mode == "preview").order_by(Campaign.id)).all()
    agents = desk.router.agents()
    release_abandoned_previews(desk, agents, now=now)
    wanted = set(agent_ids) if agent_ids is not None else None
    given = []
    for status in agents:
        if status.state != "available" or (wanted is not None and status.agent_id not in wanted):
            continue
        for campaign in campaigns:
            queue = campaign_queue(desk.session.get(CampaignDialing, campaign.id), campaign.id)
            if status.skills and queue not in status.skills:
                continue
            lead = _give_lead(desk, status, campaign, now)
            if lead is not None:
                given.append(lead.id)
                break
    return given


def _give_lead(desk: Desk, status: AgentStatus, campaign: Campaign, now: datetime) -> Lead | None:
    """Reserve the campaign's next due lead for the agent and show it to them (None if none is due)."""
    for lead in due_leads(desk.session, campaign.id, now, 5):
        before = lead.status
        taken = desk.session.execute(
            sa.update(Lead).where(Lead.id == lead.id, Lead.status == before).values(status=PREVIEWING)
            .execution_options(synchronize_session=False)).rowcount
        if not taken:
            continue  # another agent's process took it first
        if not desk.router.start_preview(status.agent_id, {"campaign_id": campaign.id, "lead_id": lead.id}):
            desk.session.execute(sa.update(Lead).where(Lead.id == lead.id).values(status=before)
                                 .execution_options(synchronize_session=False))
            return None  # the agent took a call meanwhile
        lead.status = PREVIEWING
        desk.agent_changed(desk.router.agent(status.agent_id))
        desk.notify("preview", preview_payload(desk, campaign.id, lead), agent_id=status.agent_id)
        return lead
    return None


def preview_payload(desk: Desk, campaign_id: int, lead: Lead) -> dict:
    """What the agent sees of the lead before deciding: the lead in its campaign, its number, the customer's
    history."""
    return {"lead": lead_context(desk.session, campaign_id, lead) | {"e164": lead.e164},
            "history": party_history(desk.session, customer_id=lead.customer_id, phone=lead.e164,
                                     default_region=desk.default_region)}


def current_preview(desk: Desk, agent_id: int) -> dict | None:
    """The preview an agent has in hand (for a console that reconnects), or None."""
    try:
        status = desk.router.agent(agent_id)
    except RoutingError:
        return None
    if status.state != "preview" or not status.preview:
        return None
    lead = desk.session.get(Lead, status.preview["lead_id"])
    return preview_payload(desk, status.preview["campaign_id"], lead) if lead is not None else None


def call_preview(desk: Desk, agent_id: int, *, enqueue: Callable[[int], None], now: datetime) -> DialAttempt:
    """The agent calls the lead: a preview-mode attempt, committed, then its job (the gate decides there)."""
    status, lead = _previewed_lead(desk, agent_id)
    campaign = desk.session.get(Campaign, lead.campaign_id)
    if campaign.status != "running":
        _return_lead(desk, lead, due_at=now)
        desk.set_state(agent_id, "available")
        raise DeskError(f"the campaign is {campaign.status}: the lead was not called", keep_changes=True)
    try:
        desk.router.start_outbound(agent_id)
    except RoutingError as exc:
        raise DeskError("you are not previewing a lead") from exc
    attempt = start_attempt(desk.session, campaign, lead, now=now)
    desk.router.preview_dialed(attempt.id, agent_id)
    desk.session.commit()  # the job must find the attempt
    enqueue(attempt.id)
    return attempt


def skip_preview(desk: Desk, agent_id: int, *, now: datetime) -> Lead:
    """The agent skips the lead: due again after SKIP_DELAY, the skip recorded as its last outcome; the agent is
    available for the next call or lead."""
    _, lead = _previewed_lead(desk, agent_id)
    _return_lead(desk, lead, due_at=now + SKIP_DELAY, outcome=SKIPPED)
    desk.set_state(agent_id, "available")
    return lead


def preview_agent(desk: Desk, attempt: DialAttempt) -> int | None:
    """The agent waiting for a preview attempt's call, if it is one."""
    return desk.router.preview_agent(attempt.id) if attempt.mode == "preview" else None


def dial_placed(desk: Desk, attempt: DialAttempt, interaction: Interaction) -> None:
    """The provider rings the previewed lead: the call is the agent's, shown on their console as it rings."""
    agent_id = preview_agent(desk, attempt)
    if agent_id is not None:
        desk.outbound_dialed(agent_id, interaction)


def dial_not_placed(desk: Desk, attempt: DialAttempt, why: str, *, reasons: Iterable = ()) -> None:
    """The previewed lead was not called (refused by the gate, campaign stopped, provider error): the agent sees
    why and what became of the lead, and is available again (for the next lead at once)."""
    agent_id = preview_agent(desk, attempt)
    if agent_id is None:
        return
    lead = desk.session.get(Lead, attempt.lead_id) if attempt.lead_id is not None else None
    desk.outbound_not_placed(agent_id, "preview_not_called", {
        "attempt_id": attempt.id, "lead_id": attempt.lead_id, "lead": lead.name if lead is not None else None,
        "e164": attempt.e164, "why": why, "reasons": [{"code": r.code, "message": r.message} for r in reasons],
        "lead_status": lead.status if lead is not None else None})
    offer_previews(desk, now=attempt.ended_at or attempt.created_at, agent_ids=[agent_id])


def release_abandoned_previews(desk: Desk, agents: list[AgentStatus], *, now: datetime) -> list[int]:
    """Leads left in preview by an agent who went on a break, offline or vanished are due again now."""
    held = {a.preview["lead_id"] for a in agents if a.state == "preview" and a.preview}
    stranded = desk.session.scalars(sa.select(Lead).where(  # (campaign, status): the leads' index
        Lead.campaign_id.in_(sa.select(Campaign.id).where(Campaign.mode == "preview")),
        Lead.status == PREVIEWING)).all()
    released = []
    for lead in stranded:
        if lead.id not in held and _return_lead(desk, lead, due_at=now):
            released.append(lead.id)
    return released


def _previewed_lead(desk: Desk, agent_id: int) -> tuple[AgentStatus, Lead]:
    try:
        status = desk.router.agent(agent_id)
    except RoutingError as exc:
        raise DeskError("you are not previewing a lead") from exc
    lead = desk.session.get(Lead, status.preview["lead_id"]) if status.state == "preview" and status.preview else None
    if lead is None or lead.status != PREVIEWING:
        raise DeskError("you are not previewing a lead")
    return status, lead


def _return_lead(desk: Desk, lead: Lead, *, due_at: datetime, outcome: str | None = None) -> bool:
    """Put a previewed lead back among the due ones (unless it moved on meanwhile: a conditional UPDATE)."""
    returned = desk.session.execute(
        sa.update(Lead).where(Lead.id == lead.id, Lead.status == PREVIEWING).values(status="scheduled")
        .execution_options(synchronize_session=False)).rowcount
    if not returned:
        return False
    lead.status = "scheduled"
    schedule = lead_schedule(desk.session, lead)
    schedule.next_at = due_at
    if outcome is not None:
        schedule.last_outcome = outcome
    desk.session.flush()
    return True
