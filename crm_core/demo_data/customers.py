"""Demo customers: Russian and English speakers, persons and companies, with 1-3 phone numbers each."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from . import names, places
from .identifiers import ru_number, us_number
from .shop import DAY, HOUR, DemoShop, Weighted, at

SEGMENTS = Weighted(("regular", 55), ("new", 20), ("dormant", 20), ("vip", 5))
PHONE_COUNT = Weighted((1, 60), (2, 30), (3, 10))
RU_CITIES = Weighted(*((c, c.weight) for c in places.RU_CITIES))
US_CITIES = Weighted(*((c, c.weight) for c in places.US_CITIES))
COMPANY_SHARE = 0.05
# Customers calling far more than anyone else: the longest histories the screen-pop must stay fast on.
HEAVY_SHARE = 0.001
# The first customers of every load show each order status (ordinals 0-9) and one long history (ordinal 1).
SHOWCASE_HEAVY = 1


@dataclass
class Profile:
    """A customer being generated: their row plus what their orders and contacts depend on."""

    id: int
    ordinal: int
    language: str
    city: places.City
    segment: str
    heavy: bool
    created: int
    active_until: int
    row: dict
    phones: list[str] = field(default_factory=list)
    do_not_call: bool = False


def new_customer(shop: DemoShop, ordinal: int) -> Profile:
    """A customer and their phone numbers (the customer row is added once their contacts are known)."""
    rng, now = shop.rng, shop.now
    ru = rng.random() < shop.ru_share
    language = "ru" if ru else "en"
    city = (RU_CITIES if ru else US_CITIES).pick(rng)
    company = rng.random() < COMPANY_SHARE
    heavy = ordinal == SHOWCASE_HEAVY or rng.random() < HEAVY_SHARE
    segment = "vip" if heavy else "regular" if ordinal < 10 else SEGMENTS.pick(rng)
    if segment == "new":
        created, active_until = now - rng.randint(DAY, 60 * DAY), now
    elif segment == "dormant":
        created = now - rng.randint(240 * DAY, 730 * DAY)
        active_until = now - rng.randint(180 * DAY, (now - created) - 30 * DAY)
    else:
        created, active_until = now - rng.randint(60 * DAY, 730 * DAY), now

    female = rng.random() < 0.5
    if ru:
        first = rng.choice(names.RU_FEMALE_FIRST if female else names.RU_MALE_FIRST)
        last = rng.choice(names.RU_SURNAMES)[1 if female else 0]
    else:
        first = rng.choice(names.EN_FEMALE_FIRST if female else names.EN_MALE_FIRST)
        last = rng.choice(names.EN_SURNAMES)
    company_name = None
    if company and ru:
        company_name = f"{rng.choice(names.RU_COMPANY_FORMS)} «{rng.choice(names.RU_COMPANY_NAMES)}»"
    elif company:
        company_name = f"{rng.choice(names.EN_COMPANY_NAMES)} {rng.choice(names.EN_COMPANY_SUFFIXES)}"
    email = None
    if rng.random() < 0.9:
        domains = names.RU_EMAIL_DOMAINS if ru else names.EN_EMAIL_DOMAINS
        email = f"{names.email_local_part(first, last)}{ordinal + 1}@{rng.choice(domains)}"
    birthday = None
    if not company and rng.random() < 0.85:
        birthday = date.fromordinal(at(now).date().toordinal() - rng.randint(18 * 365, 80 * 365))

    customer_id = shop.new_id("customers")
    row = {
        "id": customer_id, "kind": "company" if company else "person", "first_name": first, "last_name": last,
        "company_name": company_name, "email": email, "language": language, "time_zone": city.time_zone,
        "segment": segment, "birthday": birthday, "postal_code": postal_code(shop, city),
        "consent_calls": rng.random() < 0.85, "consent_marketing": rng.random() < 0.45,
        "consent_recording": rng.random() < 0.9, "created_at": at(created),
        "updated_at": at(created + rng.randint(0, active_until - created)),
    }
    profile = Profile(id=customer_id, ordinal=ordinal, language=language, city=city, segment=segment, heavy=heavy,
                      created=created, active_until=active_until, row=row)
    _add_phones(shop, profile, company)
    return profile


def postal_code(shop: DemoShop, city: places.City) -> str:
    """A postal code of `city`: 6 digits in Russia, a 5-digit ZIP in the US."""
    prefix = shop.rng.choice(city.postal_prefixes)
    if city.time_zone.startswith("America/"):
        return f"{prefix}{shop.rng.randrange(100):02d}"
    return f"{prefix}{shop.rng.randrange(1000):03d}"


def _add_phones(shop: DemoShop, profile: Profile, company: bool) -> None:
    rng = shop.rng
    ru = profile.language == "ru"
    # (label, is it a landline): a person's first number is their mobile, a company's is its office line.
    slots = (("office", True), ("mobile", False), ("office", True)) if company else (
        ("mobile", False), ("home", True), ("work", False))
    for slot in range(PHONE_COUNT.pick(rng)):
        label, landline = slots[slot]
        if ru and landline:
            e164, kind = ru_number(rng.choice(profile.city.area_codes), profile.ordinal, slot, shop.salt), "fixed"
        elif ru:
            e164, kind = ru_number(rng.choice(places.RU_MOBILE_CODES), profile.ordinal, slot, shop.salt), "mobile"
        else:
            e164 = us_number(rng.choice(profile.city.area_codes), profile.ordinal, slot, shop.salt)
            kind = "fixed_or_mobile"  # what phonenumbers says of every US number
        added = profile.created if slot == 0 else profile.created + rng.randint(HOUR, max(
            HOUR, profile.active_until - profile.created))
        profile.phones.append(e164)
        shop.add("phone_numbers", {
            "id": shop.new_id("phone_numbers"), "customer_id": profile.id, "e164": e164, "kind": kind,
            "region": "RU" if ru else "US", "label": label, "is_primary": slot == 0, "created_at": at(added),
        })
