"""The supervisors' wallboard: today's queue figures, the callers waiting now, the campaigns dialing and the
alerts a supervisor should act on. One process computes it every few seconds for every viewer (the figures
come from the report queries and KPI formulas, never from a second copy of them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone, tzinfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_core.analytics import formulas
from crm_core.analytics.filters import ReportFilter
from crm_core.analytics.queues import queue_report
from crm_core.models import Interaction, User

from .routing import Router

WARNING, CRITICAL = "warning", "critical"


@dataclass(frozen=True)
class Thresholds:
    """The targets the wallboard measures against and the levels that raise an alert."""

    service_level_target: float = 0.80  # share of calls answered within `target_seconds`
    target_seconds: int = 20
    longest_wait_seconds: int = 60  # a caller waiting longer than this is an alert
    campaign_abandon_warning: float = 0.025  # a campaign's abandon rate this high is close to its limit


def wallboard(session: Session, router: Router, now: datetime, campaigns: list[dict],
              thresholds: Thresholds = Thresholds(), zone: tzinfo = timezone.utc) -> dict:
    """Today's figures at `now` (the day as the center's time `zone` counts it), as JSON for the floor page.
    `campaigns`: the progress of the campaigns dialing now (the dialer's to compute: the console does not
    depend on it)."""
    local_now = now.astimezone(zone)
    day_start = datetime.combine(local_now.date(), time.min, tzinfo=zone)
    # The filter's end is exclusive: a call that started at this very instant is today's too.
    today = ReportFilter(day_start, now + timedelta(microseconds=1))
    rows = queue_report(session, today, target_seconds=thresholds.target_seconds)
    queues = _queues(rows, router, now)
    totals = _totals(rows)
    return {
        "at": now.isoformat(),
        "targets": {"service_level": thresholds.service_level_target, "target_seconds": thresholds.target_seconds,
                    "longest_wait_seconds": thresholds.longest_wait_seconds,
                    "campaign_abandon_warning": thresholds.campaign_abandon_warning},
        "totals": totals,
        "queues": queues,
        "campaigns": campaigns,
        "flagged": flagged_calls(session, today),
        "alerts": _alerts(totals, queues, campaigns, thresholds),
    }


def flagged_calls(session: Session, period: ReportFilter) -> list[dict]:
    """Calls of the period flagged for review that still have no outcome, latest first."""
    rows = session.execute(
        sa.select(Interaction.id, Interaction.call_sid, Interaction.review_reason, Interaction.agent_id,
                  Interaction.started_at, User.full_name)
        .outerjoin(User, User.id == Interaction.agent_id)
        .where(Interaction.review_reason.is_not(None), Interaction.disposition.is_(None),
               Interaction.started_at >= period.start, Interaction.started_at < period.end)
        .order_by(Interaction.started_at.desc(), Interaction.id.desc())
    ).all()
    return [{"interaction_id": row.id, "call_sid": row.call_sid, "reason": row.review_reason,
             "agent_id": row.agent_id, "agent": row.full_name, "started_at": row.started_at.isoformat()}
            for row in rows]


def _queues(rows: list[dict], router: Router, now: datetime) -> list[dict]:
    """Every queue with a caller waiting now or a call today: who waits, for how long, and today's figures."""
    by_name = {row["queue"]: row for row in rows}
    result = []
    for name in sorted(set(by_name) | set(router.queues())):
        waiting = router.waiting(name)
        longest = round(router.longest_wait(name, now.timestamp()))
        row = by_name.get(name, {})
        result.append({"name": name, "waiting": len(waiting), "longest_wait_seconds": longest,
                       "offered": row.get("offered", 0), "answered": row.get("answered", 0),
                       "abandoned": row.get("abandoned", 0), "service_level": row.get("service_level"),
                       "abandon_rate": row.get("abandon_rate"), "asa_seconds": row.get("asa_seconds")})
    return [queue for queue in result if queue["waiting"] or queue["offered"]]


def _totals(rows: list[dict]) -> dict:
    """Every queue together: the report's counts summed, then the same formulas."""
    counts = {key: sum(row[key] for row in rows)
              for key in ("offered", "answered", "abandoned", "short_abandoned", "answered_within_target")}
    # The report gives the average; the total wait of the answered calls is what adds up across queues.
    answered_wait = sum(row["asa_seconds"] * row["answered"] for row in rows if row["answered"])
    return {
        "offered": counts["offered"], "answered": counts["answered"], "abandoned": counts["abandoned"],
        "service_level": formulas.service_level(counts["answered_within_target"], counts["offered"],
                                                counts["short_abandoned"]),
        "abandon_rate": formulas.abandon_rate(counts["abandoned"], counts["short_abandoned"], counts["offered"]),
        "asa_seconds": formulas.average_speed_of_answer(answered_wait, counts["answered"]),
    }


def _alerts(totals: dict, queues: list[dict], campaigns: list[dict], thresholds: Thresholds) -> list[dict]:
    """What crossed a threshold, the most pressing first."""
    alerts = []
    for queue in queues:
        if queue["waiting"] and queue["longest_wait_seconds"] >= thresholds.longest_wait_seconds:
            alerts.append(_alert(CRITICAL, f"queue:{queue['name']}",
                                 f"{queue['name']}: a caller has waited {_duration(queue['longest_wait_seconds'])} "
                                 f"(alert at {_duration(thresholds.longest_wait_seconds)})"))
    level = totals["service_level"]
    if level is not None and level < thresholds.service_level_target:
        alerts.append(_alert(WARNING, "service_level",
                             f"Service level today {_percent(level)} is below the target of "
                             f"{_percent(thresholds.service_level_target)} in {thresholds.target_seconds} s"))
    for campaign in campaigns:
        rate, limit = campaign["abandon_rate"], campaign["abandon_limit"]
        if campaign["abandon_exceeded"]:
            alerts.append(_alert(CRITICAL, f"campaign:{campaign['campaign_id']}",
                                 f"{campaign['name']}: abandon rate {_percent(rate)} is over its limit of "
                                 f"{_percent(limit)}"))
        elif rate and rate >= min(thresholds.campaign_abandon_warning, limit):
            alerts.append(_alert(WARNING, f"campaign:{campaign['campaign_id']}",
                                 f"{campaign['name']}: abandon rate {_percent(rate)} is near its limit of "
                                 f"{_percent(limit)}"))
    return sorted(alerts, key=lambda alert: alert["severity"] != CRITICAL)


def _alert(severity: str, key: str, message: str) -> dict:
    return {"severity": severity, "key": key, "message": message}


def _percent(share: float) -> str:
    return f"{share * 100:.1f}".removesuffix(".0") + " %"


def _duration(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"
