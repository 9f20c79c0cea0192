"""Two web workers forked from one loaded app, as gunicorn forks them, for the multiprocess metrics test: each
serves its share of (forged) webhooks; then the first answers a scrape and prints it. Settings come from the
environment."""

import os
import sys

from callcenter import create_app


def serve(client, webhooks: int) -> None:
    for n in range(webhooks):
        client.post("/voice/status", data={"CallSid": f"CA{n:032x}"}, headers={"X-Twilio-Signature": "forged"})


if __name__ == "__main__":
    first, second = int(sys.argv[1]), int(sys.argv[2])
    app = create_app()
    pid = os.fork()
    if pid == 0:
        serve(app.test_client(), second)
        os._exit(0)
    serve(app.test_client(), first)
    os.waitpid(pid, 0)
    print(app.test_client().get("/metrics").get_data(as_text=True))
