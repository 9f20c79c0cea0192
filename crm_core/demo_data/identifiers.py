"""Identifiers computed from counters, unique by construction: phone numbers, call SIDs, tracking numbers.

Each is a bijection of an ordinal into its number space, so uniqueness needs no lookup and survives any
chunking; the seed only shifts where in the space the numbers land.
"""

from __future__ import annotations

PHONES_PER_CUSTOMER = 3
# Subscriber numbers: 7 digits in Russia; 7 digits starting 2-9 in the US (the smaller space sets the limit).
_RU_SPACE = 10**7
_US_SPACE = 8 * 10**6
MAX_CUSTOMERS = _US_SPACE // PHONES_PER_CUSTOMER
# Odd and not a multiple of 5, hence coprime with every space below (all are 2^a * 5^b): x -> a*x + b is a bijection.
_STRIDE = 7_654_321
_MASK64 = (1 << 64) - 1


def _affine(n: int, space: int, salt: int) -> int:
    return (n * _STRIDE + salt) % space


def mix64(x: int) -> int:
    """SplitMix64's finalizer: a bijection of 64-bit integers that looks random."""
    z = x & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


def ru_number(prefix: str, ordinal: int, slot: int, salt: int) -> str:
    """+7, a 3-digit mobile or area code, and a subscriber number unique to (customer ordinal, slot)."""
    return f"+7{prefix}{_affine(ordinal * PHONES_PER_CUSTOMER + slot, _RU_SPACE, salt):07d}"


def us_number(area_code: str, ordinal: int, slot: int, salt: int) -> str:
    """+1, an area code, and a 7-digit number (first digit 2-9) unique to (customer ordinal, slot)."""
    return f"+1{area_code}{2 * 10**6 + _affine(ordinal * PHONES_PER_CUSTOMER + slot, _US_SPACE, salt):07d}"


def call_sid(interaction_id: int, salt: int) -> str:
    """A Twilio-shaped call SID ("CA" + 32 hex), unique per interaction id.

    The id sits in the middle, so SIDs grow with ids and a bulk load appends to the unique index instead of
    writing all over it (random SIDs made loading 10 million calls several times slower).
    """
    return f"CA{salt >> 32:08x}{interaction_id:012x}{mix64(interaction_id ^ salt) >> 16:012x}"


def tracking_number(carrier: str, order_id: int, salt: int) -> str:
    """A tracking number in the carrier's usual shape, unique per order id."""
    if carrier == "СДЭК":
        return f"1{_affine(order_id, 10**9, salt):09d}"
    if carrier == "Почта России":
        return f"80{_affine(order_id, 10**12, salt):012d}"
    if carrier == "Boxberry":
        return f"BB{_affine(order_id, 10**10, salt):010d}"
    if carrier == "UPS":
        return f"1ZV8W2E403{_affine(order_id, 10**8, salt):08d}"
    if carrier == "FedEx":
        return f"{_affine(order_id, 10**12, salt):012d}"
    if carrier == "USPS":
        return f"9400{_affine(order_id, 10**18, salt):018d}"
    raise ValueError(f"unknown carrier {carrier!r}")


def order_number(order_id: int) -> str:
    """Digits only, so callers can key it in: order 1 is "10001"."""
    return str(10000 + order_id)
