"""Reading TwiML documents: XML in, a list of verbs out, or the error Twilio would report."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field

DOCUMENT_PARSE_FAILURE = 12100
SCHEMA_VALIDATION = 12200
INVALID_CONTENT_TYPE = 12300

XML_CONTENT_TYPES = ("text/xml", "application/xml")

# Voice verbs and the nouns each may contain ("#text": plain text content allowed).
_GRAMMAR: dict[str, frozenset[str]] = {
    "Say": frozenset({"#text", "break", "emphasis", "lang", "p", "phoneme", "prosody", "s", "say-as", "sub", "w"}),
    "Play": frozenset({"#text"}),
    "Pause": frozenset(),
    "Gather": frozenset({"Say", "Play", "Pause"}),
    "Dial": frozenset({"#text", "Number", "Client", "Queue", "Conference", "Sip", "Sim", "Application"}),
    "Enqueue": frozenset({"#text", "Task"}),
    "Leave": frozenset(),
    "Hangup": frozenset(),
    "Redirect": frozenset({"#text"}),
    "Reject": frozenset(),
    "Record": frozenset(),
    "Sms": frozenset({"#text"}),
    "Connect": frozenset({"Stream", "Room", "Autopilot", "VirtualAgent", "Conversation", "ConversationRelay"}),
    "Start": frozenset({"Stream", "Siprec", "Transcription"}),
    "Stop": frozenset({"Stream", "Siprec", "Transcription"}),
    "Pay": frozenset({"Prompt", "Parameter"}),
    "Prompt": frozenset({"Say", "Play", "Pause"}),
    "Refer": frozenset({"Sip"}),
    "Echo": frozenset(),
}


class TwimlError(Exception):
    """A response Twilio cannot execute; ``code`` is Twilio's error code for it."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Verb:
    """One TwiML element: its name, attributes, text and child elements."""

    name: str
    attrs: dict[str, str] = field(default_factory=dict)
    text: str = ""
    children: tuple[Verb, ...] = ()

    def attr(self, name: str, default: str | None = None) -> str | None:
        """Return an attribute value, or ``default`` when absent or blank."""
        value = self.attrs.get(name, "").strip()
        return value or default

    def number(self, name: str, default: float) -> float:
        """Return a numeric attribute, or ``default`` when absent or malformed."""
        try:
            return float(self.attrs[name])
        except (KeyError, ValueError):
            return default

    def flag(self, name: str, default: bool = False) -> bool:
        """Return a boolean attribute ("true"/"false")."""
        value = self.attr(name)
        return default if value is None else value.lower() == "true"


def check_content_type(content_type: str) -> None:
    """Refuse responses not served as XML, as Twilio does (error 12300)."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type not in XML_CONTENT_TYPES:
        raise TwimlError(INVALID_CONTENT_TYPE, f"Invalid Content-Type: {content_type or 'none'}")


def parse(document: bytes | str) -> list[Verb]:
    """Parse a TwiML voice document into its verbs, checking its structure."""
    try:
        root = ElementTree.fromstring(document)
    except ElementTree.ParseError as exc:
        raise TwimlError(DOCUMENT_PARSE_FAILURE, f"Document parse failure: {exc}") from exc
    if root.tag != "Response":
        raise TwimlError(SCHEMA_VALIDATION, f"Root element must be <Response>, not <{root.tag}>")
    verbs = []
    for element in root:
        if element.tag not in _GRAMMAR:
            raise TwimlError(SCHEMA_VALIDATION, f"Invalid TwiML verb <{element.tag}>")
        verbs.append(_verb(element))
    return verbs


def _verb(element: ElementTree.Element) -> Verb:
    """Convert one verb element, refusing children its grammar does not allow."""
    allowed = _GRAMMAR.get(element.tag, frozenset())
    text = "".join(element.itertext()).strip() if element.tag == "Say" else (element.text or "").strip()
    if text and "#text" not in allowed:
        raise TwimlError(SCHEMA_VALIDATION, f"<{element.tag}> does not take text")
    children = []
    for child in element:
        if child.tag not in allowed:
            raise TwimlError(SCHEMA_VALIDATION, f"<{child.tag}> is not allowed inside <{element.tag}>")
        if element.tag != "Say":  # SSML inside Say is only read aloud as text
            children.append(_verb(child) if child.tag in _GRAMMAR else _noun(child))
    return Verb(element.tag, dict(element.attrib), text, tuple(children))


def _noun(element: ElementTree.Element) -> Verb:
    """Convert a noun such as <Number> or <Client> (which may hold <Identity>/<Parameter>)."""
    children = tuple(_noun(child) for child in element)
    return Verb(element.tag, dict(element.attrib), (element.text or "").strip(), children)
