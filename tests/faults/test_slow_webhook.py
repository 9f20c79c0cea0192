"""A webhook slower than Twilio's timeout (its database write waits on a row lock the test holds, on a private
PostgreSQL cluster): the caller hears the fallback's safe TwiML and reaches the agent queue, and when the slow
request finally completes the call still has exactly one interaction."""

from __future__ import annotations

import sqlalchemy as sa

from crm_core import models
from crm_core.db import make_engine

from .conftest import interactions_of, wait_until

WEBHOOK_TIMEOUT = 2.0  # real seconds; the sandbox's default is Twilio's 15 s (tests/sandbox/test_callback_faults.py)
FALLBACK_APOLOGY = "Извините, произошла ошибка."


def test_a_webhook_slower_than_the_timeout_gets_the_fallback_and_leaves_one_interaction(
        private_postgres_emptied, serve_platform, redis_url, redis_client):
    platform = serve_platform(private_postgres_emptied.url, redis_url, webhook_timeout=WEBHOOK_TIMEOUT)
    engine = make_engine(private_postgres_emptied.url)
    try:
        platform.sandbox.set_clock(5)  # slow enough that the lock is held before the caller's first answer
        sid = platform.sandbox.place_call("+79035550123", platform.number)  # an interactive caller: silent
        wait_until(lambda: interactions_of(engine, sid), 30, "the call never reached /voice/incoming")

        with engine.connect() as blocker:
            # The lock an UPDATE takes: the IVR's next turn waits on it, inserting timeline events does not.
            blocker.execute(sa.select(models.Interaction.id).where(models.Interaction.call_sid == sid)
                            .with_for_update(key_share=True))
            call = wait_until(lambda: _fell_back(platform.sandbox.call(sid)), 30, "no fallback was requested")
            blocker.rollback()

        failed = [e for e in call["transcript"] if e["event"] == "fetch" and e.get("error_code") == 11205]
        assert failed and "/voice/ivr/input" in failed[0]["url"]
        heard = [e["text"] for e in call["transcript"] if e["event"] == "say"]
        assert FALLBACK_APOLOGY in heard and "application error" not in " ".join(heard)
        wait_until(lambda: any(e["event"] == "enqueue" for e in platform.sandbox.call(sid)["transcript"]), 30,
                   "the caller was not put through to the agent queue")
        platform.sandbox.hangup(sid)
        call = platform.sandbox.wait(sid, timeout=60)

        [interaction] = interactions_of(engine, sid)
        assert interaction.status == "completed"
        with engine.connect() as connection:
            kinds = connection.execute(sa.select(models.InteractionEvent.kind).where(
                models.InteractionEvent.interaction_id == interaction.id)).scalars().all()
        assert kinds.count("webhook_error") == 1
    finally:
        engine.dispose()


def _fell_back(call: dict) -> dict | None:
    """The call once its fallback URL answered."""
    fetched = [e for e in call["transcript"] if e["event"] == "fetch" and "/voice/fallback" in e["url"]]
    return call if fetched and fetched[0]["status_code"] == 200 else None
