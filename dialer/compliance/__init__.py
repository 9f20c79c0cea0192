"""The compliance gate: one place decides whether a number may be dialed now, and records why not."""

from .abandon import AbandonRate, abandon_rate
from .gate import ComplianceGate, Decision
from .profiles import Profile, load_profile, seed_shipped_profiles
from .reasons import Reason

__all__ = ["AbandonRate", "ComplianceGate", "Decision", "Profile", "Reason", "abandon_rate", "load_profile",
           "seed_shipped_profiles"]
