"""IVR fixtures: a caller who talks to the IVR webhooks (signed like Twilio) and what they heard."""

from __future__ import annotations

import itertools
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

import callcenter.voice.ivr  # noqa: F401  (the IVR routes join the voice blueprint before any app is built)
from crm_core import models
from tests.conftest import call_params

from .phrases import CALLERS, HEARS

_sids = itertools.count(1)


def heard(document) -> str:
    """Everything the caller hears in one TwiML document, in order."""
    return " ".join(say.text for say in document.iter("Say"))


class IvrCaller:
    """A caller on the phone with the IVR: each answer goes to the URL the last TwiML named."""

    def __init__(self, app, twilio_post, parse_twiml, db_session, from_number):
        self.app, self.post, self.parse, self.db_session = app, twilio_post, parse_twiml, db_session
        self.call_sid = f"CA{next(_sids):032x}"
        self.from_number = from_number
        self.document = None

    def dial(self):
        """Call in; returns the first TwiML document."""
        return self._post("/voice/ivr", {})

    def press(self, digits: str):
        """Key in digits (as Twilio reports a finished Gather)."""
        return self._post(self.action_path, {"Digits": digits, "FinishedOnKey": ""})

    def say(self, text: str):
        """Answer by voice."""
        return self._post(self.action_path, {"SpeechResult": text, "Confidence": "0.91"})

    def wait(self):
        """Stay silent until the Gather times out (actionOnEmptyResult sends an empty answer)."""
        return self._post(self.action_path, {})

    @property
    def heard(self) -> str:
        """What the last answer made the caller hear."""
        return heard(self.document)

    @property
    def action_path(self) -> str:
        """Where Twilio sends the next answer (path and query), from the last TwiML."""
        element = self.document.find("Gather")
        if element is None:
            element = self.document.find("Redirect")
            url = element.text
        else:
            url = element.get("action")
        parts = urlsplit(url)
        assert url.startswith(self.app.config["VOICE_BASE_URL"]), url
        return parts.path + (f"?{parts.query}" if parts.query else "")

    @property
    def interaction(self) -> models.Interaction:
        """The call's record, fresh from the database."""
        self.db_session.expire_all()
        return self.db_session.scalars(
            sa.select(models.Interaction).where(models.Interaction.call_sid == self.call_sid)).one()

    def _post(self, path: str, extra: dict):
        params = call_params(self.call_sid, from_number=self.from_number, CallStatus="in-progress", **extra)
        self.document = self.parse(self.post(path, params))
        return self.document


@pytest.fixture
def caller(app, twilio_post, parse_twiml, db_session):
    """Start calls to the IVR: `caller("+79123456789").dial()`."""

    def make(from_number: str = "+79035550000") -> IvrCaller:
        return IvrCaller(app, twilio_post, parse_twiml, db_session, from_number)

    return make


@pytest.fixture(params=["ru", "en"])
def language(request) -> str:
    """The caller's language: tests using it run once in Russian and once in English."""
    return request.param


@pytest.fixture
def hears(language) -> dict:
    """Fragments of what the flow says in the caller's language."""
    return HEARS[language]


@pytest.fixture
def customer(make_customer, language):
    """A known customer who speaks `language` and calls from their own number."""
    info = CALLERS[language]
    zone = "Europe/Moscow" if language == "ru" else "America/New_York"
    return make_customer(first_name=info["first_name"], last_name=info["last_name"], phones=(info["phone"],),
                         language=language, time_zone=zone)


@pytest.fixture
def order_for(make_order, language):
    """Create an order in the caller's currency with a carrier and delivery postal code 630099."""

    def make(owner, number="10045", status="in_transit", **fields):
        fields.setdefault("carrier", "СДЭК")
        fields.setdefault("delivery_postal_code", "630099")
        fields.setdefault("currency", CALLERS[language]["currency"])
        return make_order(owner, number=number, status=status, **fields)

    return make
