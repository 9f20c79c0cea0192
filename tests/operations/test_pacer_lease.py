"""One pacer at a time: a second pacer stands by, and takes over when the running one stops."""

from __future__ import annotations

import time

from callcenter.pacer_lease import LEASE_KEY, PacerLease


def test_a_second_pacer_stands_by_while_the_first_renews_its_lease(redis_client):
    first, second = PacerLease(redis_client, "host-a:1", 30), PacerLease(redis_client, "host-b:2", 30)

    assert first.hold() and not second.hold()
    assert first.hold() and not second.hold()  # renewed, still its own
    assert second.holder_now() == "host-a:1"


def test_a_standby_takes_over_once_the_running_pacer_stops_renewing(redis_client):
    first, second = PacerLease(redis_client, "host-a:1", 0.3), PacerLease(redis_client, "host-b:2", 0.3)
    assert first.hold()

    assert _within(10, second.hold)
    assert not first.hold() and first.holder_now() == "host-b:2"


def test_a_pacer_that_stops_gives_its_lease_back_at_once_and_only_its_own(redis_client):
    first, second = PacerLease(redis_client, "host-a:1", 30), PacerLease(redis_client, "host-b:2", 30)
    assert first.hold()
    second.release()
    assert first.holder_now() == "host-a:1"

    first.release()
    assert second.hold()


def test_when_the_running_pacer_process_stops_the_standby_process_takes_over(platform_process, redis_client):
    running = platform_process("pacer", "--interval", "0.2", "--lease-seconds", "3")
    assert _within(60, lambda: _holder_pid(redis_client) == running.pid)
    standby = platform_process("pacer", "--interval", "0.2", "--lease-seconds", "3")
    assert _within(60, lambda: standby.poll() is None and _holder_pid(redis_client) == running.pid)

    running.terminate()
    running.wait(timeout=30)
    assert _within(30, lambda: _holder_pid(redis_client) == standby.pid)


def _holder_pid(redis_client) -> int | None:
    holder = redis_client.get(LEASE_KEY)
    return int(holder.decode().rpartition(":")[2]) if holder else None


def _within(seconds: float, condition) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
