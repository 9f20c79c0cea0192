"""The CRM's tables, one module per concept; import from here."""

from .agents import AgentStateChange, Disposition
from .customers import CUSTOMER_KINDS, LANGUAGES, Customer, PhoneNumber
from .dnc import DoNotCallEntry
from .interactions import CHANNELS, DIRECTIONS, Interaction, InteractionEvent
from .orders import ORDER_STATUSES, Order, OrderEvent
from .users import ROLES, ApiToken, User
from .work import OPEN_TICKET_STATUSES, TASK_KINDS, TICKET_PRIORITIES, TICKET_STATUSES, Task, Ticket
from .campaigns import (
    ATTEMPT_STATUSES, CAMPAIGN_PURPOSES, CAMPAIGN_STATUSES, DIALING_MODES, CallList, Campaign, ComplianceProfile,
    DialAttempt, DncChange, DncRegistryEntry, DncRegistryImport, GateDecision, ImportRejection, Lead,
)

__all__ = [
    "CHANNELS", "CUSTOMER_KINDS", "DIRECTIONS", "LANGUAGES", "OPEN_TICKET_STATUSES", "ORDER_STATUSES",
    "ROLES", "TASK_KINDS", "TICKET_PRIORITIES", "TICKET_STATUSES",
    "AgentStateChange", "ApiToken", "Customer", "Disposition", "DoNotCallEntry", "Interaction", "InteractionEvent", "Order", "OrderEvent",
    "PhoneNumber", "Task", "Ticket", "User",
    "ATTEMPT_STATUSES", "CAMPAIGN_PURPOSES", "CAMPAIGN_STATUSES", "DIALING_MODES",
    "CallList", "Campaign", "ComplianceProfile", "DialAttempt", "DncChange", "DncRegistryEntry", "DncRegistryImport",
    "GateDecision", "ImportRejection", "Lead",
]
from .dialing import ATTEMPT_OUTCOMES, MACHINE_ACTIONS, AttemptOutcome, CampaignDialing, LeadSchedule  # noqa: E402

__all__ += ["ATTEMPT_OUTCOMES", "MACHINE_ACTIONS", "AttemptOutcome", "CampaignDialing", "LeadSchedule"]
from .segments import Segment  # noqa: E402
from .offers import OFFER_RESPONSES, Offer, OfferResponse  # noqa: E402

__all__ += ["OFFER_RESPONSES", "Offer", "OfferResponse", "Segment"]
from .report_rollups import (  # noqa: E402
    ROLLED_STATES, ROLLUP_MINUTES, AgentDispositionCounts, AgentIntervalFigures, QueueIntervalFigures, QueueWaitCounts,
    RolledInterval,
)

__all__ += ["ROLLED_STATES", "ROLLUP_MINUTES", "AgentDispositionCounts", "AgentIntervalFigures",
            "QueueIntervalFigures", "QueueWaitCounts", "RolledInterval"]
from .monitoring import MONITORING_MODES, MonitoringSession  # noqa: E402

__all__ += ["MONITORING_MODES", "MonitoringSession"]
