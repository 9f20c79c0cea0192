"""The fault suite (issue 9): the platform under the failures production brings, each fault on servers of the
test's own (a private Redis, a private PostgreSQL cluster, its own web processes) so the shared ones are never
stopped. After each: no interaction lost or doubled, no lead dialed twice.

- test_redis_restarted.py: Redis crashed and restarted, or down, during calls and with dial jobs queued;
- test_postgres_restarted.py: PostgreSQL restarted under a running web process;
- test_web_killed.py: the Procfile's web process SIGKILLed mid-call (an rq worker SIGKILLed mid-dial is
  tests/dialing/test_worker_killed.py);
- test_callbacks_twice_late_out_of_order.py: status callbacks delivered twice, late and out of order;
- test_slow_webhook.py: a webhook slower than Twilio's timeout.
"""
