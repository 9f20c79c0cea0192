"""A pacer round feeds the pacing its real inputs: the campaign's recent dials, its agents and its abandon budget."""

from datetime import timedelta

from crm_core import models
from crm_core.db import utcnow
from dialer import engine

NUMBERS = [f"+791600008{i:02d}" for i in range(60)]


def _campaign_with_history(db_session, make_dialing_campaign, add_leads, *, mode, person_every, abandoned=0):
    """A campaign with 40 dials finished in the last 20 minutes (one in `person_every` answered by a person after
    3 to 12 s, the others unanswered after 25 s; `abandoned` of the people dropped) and 20 new leads."""
    campaign = make_dialing_campaign(db_session, mode=mode)
    leads = add_leads(db_session, campaign, NUMBERS)
    now = utcnow()
    for n, lead in enumerate(leads[:40]):
        placed = now - timedelta(minutes=20) + timedelta(seconds=20 * n)
        person = n % person_every == 0
        db_session.add(models.DialAttempt(
            campaign_id=campaign.id, lead_id=lead.id, e164=lead.e164, mode=mode, status="completed",
            created_at=placed, placed_at=placed,
            answered_at=placed + timedelta(seconds=3 + n // 10 * 3) if person else None,
            answered_by="human" if person else None, abandoned=person and n < abandoned * person_every,
            connected_at=placed + timedelta(seconds=6) if person and n >= abandoned * person_every else None,
            ended_at=placed + timedelta(seconds=25)))
        lead.status = "closed"
    db_session.flush()
    return campaign, now


def _round(db_session, router, now):
    enqueued = []
    [result] = engine.run_round(db_session, router=router, enqueue=enqueued.append, now=now, cps=50)
    assert len(enqueued) == result.plan.launch
    return result.plan


def test_a_predictive_campaign_with_few_people_answering_dials_several_calls_per_ready_agent(
        db_session, make_dialing_campaign, add_leads, available_agents):
    campaign, now = _campaign_with_history(db_session, make_dialing_campaign, add_leads, mode="predictive",
                                           person_every=10)
    plan = _round(db_session, available_agents(10), now)
    assert plan.mode == "predictive" and plan.launch > 10


def test_a_progressive_campaign_dials_one_call_per_ready_agent(
        db_session, make_dialing_campaign, add_leads, available_agents):
    campaign, now = _campaign_with_history(db_session, make_dialing_campaign, add_leads, mode="progressive",
                                           person_every=10)
    assert _round(db_session, available_agents(10), now).launch == 10


def test_a_predictive_campaign_at_its_abandon_limit_falls_back_to_one_call_per_agent(
        db_session, make_dialing_campaign, add_leads, available_agents):
    # 4 people answered, 1 dropped: 25% abandoned against the profile's 3%.
    campaign, now = _campaign_with_history(db_session, make_dialing_campaign, add_leads, mode="predictive",
                                           person_every=10, abandoned=1)
    plan = _round(db_session, available_agents(10), now)
    assert (plan.mode, plan.launch) == ("progressive", 10)
