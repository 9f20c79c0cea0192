"""What the caller pressed or said, checked before it goes anywhere: junk is simply invalid input."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Anything longer is not an answer to an IVR question (and must not reach a query or the log whole).
MAX_SPEECH_CHARS = 200
MAX_KEYS = 32
LOGGED_CHARS = 40
DIGIT_WORDS = {
    "ru": {"ноль": "0", "нуль": "0", "один": "1", "одна": "1", "два": "2", "две": "2", "три": "3",
           "четыре": "4", "пять": "5", "шесть": "6", "семь": "7", "восемь": "8", "девять": "9"},
    "en": {"zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
           "six": "6", "seven": "7", "eight": "8", "nine": "9"},
}
_KEYS = re.compile(r"[0-9*#]*")
_SEPARATORS = re.compile(r"[\s,.\-]+")


@dataclass(frozen=True)
class Reply:
    """One webhook's worth of caller input: the step it answers and what Twilio heard."""

    step: str | None = None
    digits: str = ""
    speech: str = ""
    recording_url: str = ""

    @property
    def empty(self) -> bool:
        """Nothing came: the caller was silent (a timeout)."""
        return not (self.digits or self.speech.strip() or self.recording_url)

    def logged(self, *, secret: bool = False) -> str:
        """The input as the session log keeps it: masked when secret, cut short when long."""
        raw = self.digits or self.speech.strip() or self.recording_url
        if not raw:
            return ""
        return "***" if secret else raw[:LOGGED_CHARS]


def pressed_keys(reply: Reply) -> str | None:
    """The keys pressed, or None when Digits holds anything a phone keypad cannot send."""
    if len(reply.digits) > MAX_KEYS or not _KEYS.fullmatch(reply.digits):
        return None
    return reply.digits


def number_from(reply: Reply, language: str) -> str | None:
    """The digits the caller keyed in or said ("10045", "1 0 0 4 5", "один ноль ноль"), None for anything else."""
    if reply.digits:
        keys = pressed_keys(reply)
        return keys if keys and keys.isdigit() else None
    speech = reply.speech.strip().lower()
    if not speech or len(speech) > MAX_SPEECH_CHARS:
        return None
    words = DIGIT_WORDS.get(language, {})
    digits = []
    for token in _SEPARATORS.split(speech):
        if token.isascii() and token.isdigit():
            digits.append(token)
        elif token in words:
            digits.append(words[token])
        elif token:
            return None
    return "".join(digits) or None


def spoken_words(reply: Reply) -> list[str]:
    """The words of a speech answer, lower-cased with ё as е, for matching menu choices."""
    speech = reply.speech.strip().lower().replace("ё", "е")
    if len(speech) > MAX_SPEECH_CHARS:
        return []
    return [w for w in re.split(r"[^\w]+", speech) if w]
