"""Outbound campaigns: compliance profiles, call lists and their leads, dial attempts, DNC registries, gate audit."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, utcnow

CAMPAIGN_PURPOSES = ("service", "advertising")
DIALING_MODES = ("preview", "progressive", "predictive")
CAMPAIGN_STATUSES = ("draft", "running", "paused", "stopped")
ATTEMPT_STATUSES = ("scheduled", "dialing", "completed", "failed")


class ComplianceProfile(Base):
    """The rules of one jurisdiction (calling window, consent, limits, abandon budget) as validated data;
    shipped ones are seeded from dialer/profiles, admins may edit them or add their own."""

    __tablename__ = "compliance_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    rules: Mapped[dict] = mapped_column(sa.JSON)
    shipped: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Campaign(Base):
    """An outbound campaign: what it is for (service or advertising), how it dials, under which profile."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    profile_id: Mapped[int] = mapped_column(sa.ForeignKey("compliance_profiles.id"))
    purpose: Mapped[str] = mapped_column(sa.String(16), default="service")
    mode: Mapped[str] = mapped_column(sa.String(16), default="progressive")
    # Regulators in every shipped jurisdiction require a diallable caller ID: never null.
    caller_id: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(16), default="draft")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("purpose in ('service', 'advertising')", name="purpose"),
        sa.CheckConstraint("mode in ('preview', 'progressive', 'predictive')", name="mode"),
    )


class CallList(Base):
    """A batch of leads loaded into a campaign from a file or a customer segment, with its import report."""

    __tablename__ = "call_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    source: Mapped[str] = mapped_column(sa.String(16), default="file")
    file_name: Mapped[str | None] = mapped_column(sa.String(255))
    settings: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    rows_total: Mapped[int] = mapped_column(default=0)
    leads_count: Mapped[int] = mapped_column(default=0)
    rejected_count: Mapped[int] = mapped_column(default=0)
    duplicates_count: Mapped[int] = mapped_column(default=0)
    linked_count: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # What a lead's foreign key points at: its list, and the list's campaign.
    __table_args__ = (sa.UniqueConstraint("id", "campaign_id", name="uq_call_lists_id_campaign"),)


class Lead(Base):
    """One number to call in a campaign, normalized and classified at import, linked to a customer if known."""

    __tablename__ = "leads"

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column()
    campaign_id: Mapped[int] = mapped_column()
    row_number: Mapped[int | None] = mapped_column()
    e164: Mapped[str] = mapped_column(sa.String(20))
    kind: Mapped[str] = mapped_column(sa.String(16))
    region: Mapped[str | None] = mapped_column(sa.String(2))
    time_zones: Mapped[list] = mapped_column(sa.JSON, default=list)
    name: Mapped[str | None] = mapped_column(sa.String(200))
    extra: Mapped[dict | None] = mapped_column(sa.JSON)
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customers.id", ondelete="SET NULL"))
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(16), default="new")

    __table_args__ = (
        # One key for the list and the campaign: a lead is always in its list's campaign, and the database checks
        # a million imported leads once each instead of twice (the campaign's own key is the list's).
        sa.ForeignKeyConstraint(["list_id", "campaign_id"], ["call_lists.id", "call_lists.campaign_id"],
                                ondelete="CASCADE"),
        sa.UniqueConstraint("list_id", "e164", name="uq_leads_list_e164"),
        sa.Index("ix_leads_campaign_status", "campaign_id", "status"),
    )


class ImportRejection(Base):
    """A row of an imported file that did not become a lead, and why (downloadable as CSV)."""

    __tablename__ = "call_list_rejections"

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(sa.ForeignKey("call_lists.id", ondelete="CASCADE"))
    row_number: Mapped[int] = mapped_column()
    value: Mapped[str | None] = mapped_column(sa.String(255))
    reason: Mapped[str] = mapped_column(sa.String(255))

    __table_args__ = (sa.Index("ix_call_list_rejections_list_row", "list_id", "row_number"),)


class DialAttempt(Base):
    """One call placed (or about to be) to a number; the history the gate's limits and abandon rate count."""

    __tablename__ = "dial_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"))
    lead_id: Mapped[int | None] = mapped_column(sa.ForeignKey("leads.id", ondelete="SET NULL"))
    e164: Mapped[str] = mapped_column(sa.String(20))
    mode: Mapped[str] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(16), default="scheduled")
    call_sid: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    placed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "human" or "machine", as answering-machine detection said.
    answered_by: Mapped[str | None] = mapped_column(sa.String(16))
    connected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A live person not connected to an agent in time: heard the safe-harbor message, counts against the budget.
    abandoned: Mapped[bool] = mapped_column(default=False)
    # AMD said human but the agent found a machine (Ofcom's false-positive adjustment counts these).
    agent_marked_machine: Mapped[bool] = mapped_column(default=False)
    # The callee declined further calls (starts the profile's cool-off).
    refused: Mapped[bool] = mapped_column(default=False)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.Index("ix_dial_attempts_e164_placed", "e164", "placed_at"),
        sa.Index("ix_dial_attempts_campaign_placed", "campaign_id", "placed_at"),
    )


class DncRegistryImport(Base):
    """One copy of a national do-not-call registry (US DNC, TPS...), dated, so a profile can refuse a stale one."""

    __tablename__ = "dnc_registry_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    registry_code: Mapped[str] = mapped_column(sa.String(32))
    registry_date: Mapped[date] = mapped_column(sa.Date)
    file_name: Mapped[str | None] = mapped_column(sa.String(255))
    entries_count: Mapped[int] = mapped_column(default=0)
    rejected_count: Mapped[int] = mapped_column(default=0)
    imported_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.Index("ix_dnc_registry_imports_code_date", "registry_code", "registry_date"),)


class DncRegistryEntry(Base):
    """A number listed in one registry copy; only the newest copy of a registry is consulted."""

    __tablename__ = "dnc_registry_entries"

    import_id: Mapped[int] = mapped_column(sa.ForeignKey("dnc_registry_imports.id", ondelete="CASCADE"),
                                           primary_key=True)
    e164: Mapped[str] = mapped_column(sa.String(20), primary_key=True)


class DncChange(Base):
    """Who put a number on, or took it off, a do-not-call list, when and why."""

    __tablename__ = "dnc_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    e164: Mapped[str] = mapped_column(sa.String(20), index=True)
    campaign_id: Mapped[int | None] = mapped_column()
    action: Mapped[str] = mapped_column(sa.String(8))
    reason: Mapped[str] = mapped_column(sa.String(255))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.CheckConstraint("action in ('add', 'remove')", name="action"),)


class GateDecision(Base):
    """The compliance gate's answer for one dial, with every reason: the record a regulator reads."""

    __tablename__ = "gate_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"))
    lead_id: Mapped[int | None] = mapped_column(sa.ForeignKey("leads.id", ondelete="SET NULL"))
    attempt_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dial_attempts.id", ondelete="SET NULL"))
    e164: Mapped[str] = mapped_column(sa.String(20))
    mode: Mapped[str] = mapped_column(sa.String(16))
    profile_code: Mapped[str] = mapped_column(sa.String(16))
    allowed: Mapped[bool] = mapped_column()
    reasons: Mapped[list] = mapped_column(sa.JSON, default=list)
    # The gate's `now` (injected): the moment the rules were evaluated for.
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.Index("ix_gate_decisions_campaign_decided", "campaign_id", "decided_at"),
        sa.Index("ix_gate_decisions_e164_decided", "e164", "decided_at"),
    )
