"""Every KPI of the reports, written once, on the counts and sums the report queries aggregate in SQL.

Each returns None when its denominator is zero: "no calls" is not "0 %". The report modules say where each
input comes from; the choices between the industry's variants are explained here.
"""

from __future__ import annotations


def ratio(part: float, whole: float) -> float | None:
    """part / whole, None when there is nothing to divide by."""
    return part / whole if whole else None


def average_handle_time(talk_seconds: float, hold_seconds: float, wrap_seconds: float, calls: int) -> float | None:
    """AHT = (talk + hold + wrap-up) / calls handled."""
    return ratio(talk_seconds + hold_seconds + wrap_seconds, calls)


def occupancy(busy_seconds: float, idle_seconds: float) -> float | None:
    """Occupancy = time handling calls / (time handling calls + time available and waiting for one).

    Busy is on a call (hold included) or in wrap-up; idle is available or being offered a call (ringing: the
    agent is reserved but not working yet). Break and offline time is neither: an agent on break is not
    staffed, so break does not lower occupancy (it lowers adherence, another KPI)."""
    return ratio(busy_seconds, busy_seconds + idle_seconds)


def service_level(answered_within_target: int, offered: int, short_abandoned: int) -> float | None:
    """Service level = calls answered within the target / (calls offered - short abandons).

    The variants in use divide by offered (punishes callers who hang up in two seconds, often misdials), by
    answered (ignores every abandon: a queue nobody answers can score 100 %), or add abandons within the target
    to the numerator. We keep real abandons as failures and forgive only short abandons, which no staffing
    could have answered: the variant the wallboard's 80/20 target is usually written against."""
    return ratio(answered_within_target, offered - short_abandoned)


def abandon_rate(abandoned: int, short_abandoned: int, offered: int) -> float | None:
    """Queue abandon rate = (abandoned - short abandons) / (offered - short abandons), on the same base as
    the service level, so the two can be read side by side."""
    return ratio(abandoned - short_abandoned, offered - short_abandoned)


def average_speed_of_answer(wait_seconds_of_answered: float, answered: int) -> float | None:
    """ASA = total queue wait of the answered calls / answered calls (abandoned calls' waits are not in it)."""
    return ratio(wait_seconds_of_answered, answered)


def containment_rate(contained: int, entered: int) -> float | None:
    """IVR containment = calls the IVR served to the end without an agent / calls that entered the IVR.

    "Served to the end" is the IVR's own outcome `contained`: the caller heard the answer they came for
    (an order's status) and neither asked for an agent nor a callback afterwards. Callers who hung up before
    getting any answer (`abandoned`) are not counted as contained: counting them would reward a menu so
    confusing that people give up."""
    return ratio(contained, entered)


def list_penetration(leads_attempted: int, leads: int) -> float | None:
    """List penetration = leads dialed at least once / leads in the list."""
    return ratio(leads_attempted, leads)


def contact_rate(human_answered: int, attempts_placed: int) -> float | None:
    """Contact rate = attempts answered by a person (not a machine) / attempts placed."""
    return ratio(human_answered, attempts_placed)


def conversion_rate(successes: int, contacts: int) -> float | None:
    """Conversion = contacts whose disposition is a success (Disposition.is_success) / contacts."""
    return ratio(successes, contacts)


def attempts_per_lead(attempts_placed: int, leads_attempted: int) -> float | None:
    """Attempts per lead = attempts placed / leads dialed at least once."""
    return ratio(attempts_placed, leads_attempted)
