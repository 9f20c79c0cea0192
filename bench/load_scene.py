"""The scene of a load run, set as the platform's users would set it: customers with orders who call the IVR, agents
with skills and languages, and a predictive campaign whose call list is imported from a CSV file."""

from __future__ import annotations

import io
import itertools
import random
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_core import models, schema
from crm_core.db import make_engine, utcnow
from crm_core.users import hash_password
from dialer.campaigns import DialingSettings, change_campaign_status, create_campaign, save_dialing_settings
from dialer.compliance.profiles import save_profile, seed_shipped_profiles
from dialer.engine import default_queue
from dialer.imports import import_call_list

AGENT_PREFIX = "load-agent-"
PROFILE = "LOAD"
CALLER_ID = "+74950000000"
# What callers do in the order-tracking IVR (ivr_flows/flows/order_tracking.toml), as a known customer hears it.
SCRIPTS = {
    "track": [{"press": "1"}, {"press": "1"}, {"press": "9"}],  # track, latest order, goodbye: contained
    "callback": [{"press": "2"}, {"press": "1"}],  # a callback to the caller ID, confirmed
    "agent": [{"press": "0"}],  # an agent
}
# How callers choose (in this order, repeating): 2 track, 1 callback, 2 agent.
SCRIPT_MIX = ("track", "agent", "callback", "track", "agent")
# How the campaign's callees behave, repeating.
CALLEE_MIX = ("human", "machine", "human", "no-answer")
DISPOSITIONS = {"inbound": "order_status_given", "campaign": "not_interested"}


@dataclass
class Scene:
    """What a run needs to know of the data it set up."""

    callers: list[str]  # numbers of customers with orders
    agents: list[int]
    campaign_id: int
    leads: list[str]


def prepare_database(database_url: str, *, customers: int, agents: int, leads: int, seed: int) -> Scene:
    """Migrate; load demo customers into an empty CRM; make sure the bench's agents exist (skills: orders and the
    new campaign's queue; every agent speaks Russian, every third English too); create a predictive campaign under
    a profile that may call at any hour, importing `leads` numbers."""
    schema.upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            empty = not connection.scalar(sa.select(sa.func.count()).select_from(models.Customer))
        if empty:
            from crm_core.demo_data import load_demo_data

            load_demo_data(engine, customers=customers, seed=seed)
        with Session(engine) as session:
            campaign = _campaign(session, leads)
            agent_ids = _agents(session, agents, skills=["orders", default_queue(campaign.id)])
            callers = _callers(session, seed)
            numbers = list(session.scalars(sa.select(models.Lead.e164).where(models.Lead.campaign_id == campaign.id)
                                           .order_by(models.Lead.id)))
            session.commit()
            return Scene(callers, agent_ids, campaign.id, numbers)
    finally:
        engine.dispose()


def set_campaign_status(database_url: str, campaign_id: int, action: str) -> None:
    """Start or pause the campaign, as a supervisor does."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            change_campaign_status(session, session.get(models.Campaign, campaign_id), action)
            session.commit()
    finally:
        engine.dispose()


def caller_scripts(callers: list[str], count: int) -> list[tuple[str, str]]:
    """`count` (number, script name) pairs: the callers in turn, each choosing by the mix."""
    numbers = itertools.cycle(callers)
    return [(next(numbers), SCRIPT_MIX[i % len(SCRIPT_MIX)]) for i in range(count)]


def _campaign(session: Session, leads: int) -> models.Campaign:
    seed_shipped_profiles(session)
    rules = dict(session.scalar(sa.select(models.ComplianceProfile.rules).where(
        models.ComplianceProfile.code == "RU")))
    rules["window"] = dict(rules["window"]) | {"hours": [["00:00", "23:59"]]}  # a bench runs at any hour
    save_profile(session, PROFILE, "Load bench (RU rules, any hour)", rules)
    run = session.scalar(sa.select(sa.func.count()).select_from(models.Campaign)) + 1
    campaign = create_campaign(session, name=f"Load run {run} {utcnow():%Y-%m-%d %H:%M:%S}", profile_code=PROFILE,
                               caller_id=CALLER_ID, mode="predictive", default_region="RU")
    save_dialing_settings(session, campaign, DialingSettings(
        mode="predictive", caller_id=CALLER_ID, script="Offer the new delivery plan.",
        dispositions=("sale", DISPOSITIONS["campaign"])), default_region="RU")
    # Numbers no earlier run dialed (the profile's attempt limits would refuse them), one block per campaign.
    rows = "".join(f"+7917{campaign.id % 1000:03d}{i:04d},Lead {i}\n" for i in range(leads))
    import_call_list(session, io.BytesIO(f"phone,name\n{rows}".encode()), campaign=campaign, name="load leads",
                     default_region="RU", now=utcnow(), file_name="load.csv")
    return campaign


def _agents(session: Session, count: int, *, skills: list[str]) -> list[int]:
    existing = {u.username: u for u in session.scalars(
        sa.select(models.User).where(models.User.username.like(f"{AGENT_PREFIX}%")))}
    password = hash_password("load-bench")  # one hash for all: logins go by signed session cookies
    ids = []
    for i in range(count):
        name = f"{AGENT_PREFIX}{i}"
        user = existing.get(name) or models.User(username=name, full_name=f"Load Agent {i}", role="agent",
                                                 password_hash=password)
        user.skills, user.languages, user.is_active = skills, ["ru", "en"] if i % 3 == 0 else ["ru"], True
        session.add(user)
        session.flush()
        ids.append(user.id)
    return ids


def _callers(session: Session, seed: int, limit: int = 5000) -> list[str]:
    """Numbers of customers who have orders, in a seeded order."""
    numbers = list(session.scalars(
        sa.select(models.PhoneNumber.e164)
        .join(models.Order, models.Order.customer_id == models.PhoneNumber.customer_id)
        .distinct().order_by(models.PhoneNumber.e164).limit(limit)))
    if not numbers:
        raise RuntimeError("no customer with orders to call the IVR")
    random.Random(seed).shuffle(numbers)
    return numbers
