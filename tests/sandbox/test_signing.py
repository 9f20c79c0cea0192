"""X-Twilio-Signature as Twilio computes it, checked against twilio's own validator."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from twilio_sandbox import compute_signature

REFERENCE_PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+14158675309",
    "Digits": "1234",
    "From": "+14158675309",
    "To": "+18005551212",
}


def test_signature_matches_the_reference_vector():
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"

    assert compute_signature("12345", url, REFERENCE_PARAMS.items()) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def test_parameter_order_does_not_matter():
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"

    assert compute_signature("12345", url, reversed(list(REFERENCE_PARAMS.items()))) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="


@given(
    token=st.text(min_size=1, max_size=40),
    path=st.from_regex(r"/[a-z0-9/]{0,20}", fullmatch=True),
    params=st.dictionaries(st.text(min_size=1, max_size=12), st.text(max_size=30), max_size=8),
)
def test_twilio_request_validator_accepts_sandbox_signatures(token, path, params):
    url = f"https://example.com{path}"

    signature = compute_signature(token, url, params.items())

    assert RequestValidator(token).validate(url, params, signature)
