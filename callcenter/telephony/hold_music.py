"""Hold music made here, not fetched: a calm loop of soft chords as an 8 kHz 16-bit mono WAV (what Twilio
plays best), built once per process. Call centers run on closed networks, so nothing comes from a CDN."""

from __future__ import annotations

import functools
import io
import math
import sys
import wave
from array import array

RATE = 8000
BEAT_SECONDS = 0.5
# A slow I–vi–IV–V progression in C, each chord broken into four beats (Hz).
CHORDS = (
    (261.63, 329.63, 392.00, 329.63),
    (220.00, 261.63, 329.63, 261.63),
    (174.61, 220.00, 261.63, 220.00),
    (196.00, 246.94, 293.66, 246.94),
)
ROUNDS = 3
VOLUME = 0.22


@functools.cache
def hold_music_wav() -> bytes:
    """About 24 seconds of music that loops without a click (every note fades in and out)."""
    samples = array("h")
    beat = int(RATE * BEAT_SECONDS)
    for _ in range(ROUNDS):
        for chord in CHORDS:
            bass = chord[0] / 2
            for note in chord:
                for n in range(beat):
                    t = n / RATE
                    envelope = min(1.0, n / 200) * (1 - n / beat) ** 1.5
                    value = (0.7 * math.sin(2 * math.pi * note * t) + 0.3 * math.sin(2 * math.pi * bass * t))
                    samples.append(int(32767 * VOLUME * envelope * value))
    if sys.byteorder == "big":
        samples.byteswap()  # WAV samples are little-endian
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(samples.tobytes())
    return buffer.getvalue()
