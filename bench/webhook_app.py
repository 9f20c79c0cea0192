"""The platform app plus one bare route returning constant TwiML, served together for bench/webhook.py and
bench/ivr.py (the platform's app, as the Procfile's voice process serves it)."""

from flask import Response

from callcenter.extensions import csrf
from callcenter.wsgi import app

CONSTANT_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Hello</Say></Response>'


@app.post("/bench/bare")
@csrf.exempt
def bare():
    """The baseline: no signature check, no database, constant TwiML."""
    return Response(CONSTANT_TWIML, mimetype="text/xml")
