"""Valid phone numbers (checked with `phonenumbers`) and the many ways people and tools write them."""

from __future__ import annotations

import random
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

# Real US area codes, so the numbers look like the ones a US retailer sees.
_US_AREA_CODES = (
    "201 202 206 212 213 214 215 303 305 310 312 313 404 408 412 415 503 512 602 612 617 646 702 713 718 "
    "720 773 801 808 818 860 917 919 925 929 949 971 978"
).split()
_CA_AREA_CODES = "416 437 514 587 604 613 647 778 905".split()

#: Values typed into phone fields that are not phone numbers once normalised (all fail `is_valid_number`).
JUNK_PHONES = (
    "0000000000",
    "1234567890",
    "555-555-5555",
    "000-000-0000",
    "9999999999",
    "n/a",
    "none",
    "unknown",
    "null",
    "-",
)


@dataclass(frozen=True)
class Phone:
    """A real, valid number: its region and E.164 form."""

    region: str
    e164: str

    @property
    def parsed(self) -> phonenumbers.PhoneNumber:
        return phonenumbers.parse(self.e164)


def _valid(region: str, national: str) -> Phone | None:
    try:
        number = phonenumbers.parse(national, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return Phone(region, phonenumbers.format_number(number, PhoneNumberFormat.E164))


def _nanp(rng: random.Random, region: str) -> Phone:
    codes = _US_AREA_CODES if region == "US" else _CA_AREA_CODES
    while True:
        exchange = rng.randint(201, 999)
        candidate = f"{rng.choice(codes)}{exchange}{rng.randint(0, 9999):04d}"
        phone = _valid(region, candidate)
        if phone:
            return phone


def _from_example(rng: random.Random, region: str, kind: int) -> Phone:
    example = str(phonenumbers.example_number_for_type(region, kind).national_number)
    keep = 2 if len(example) > 8 else 1
    for _ in range(50):
        tail = "".join(str(rng.randint(0, 9)) for _ in range(len(example) - keep))
        # National form with the trunk prefix 0, as all non-NANP regions used here write it.
        phone = _valid(region, "0" + example[:keep] + tail)
        if phone:
            return phone
    return Phone(region, f"+{phonenumbers.country_code_for_region(region)}{example}")


def random_phone(rng: random.Random, region: str, *, mobile: bool = True) -> Phone:
    """A valid mobile (or landline) number of `region`."""
    if region in ("US", "CA"):
        return _nanp(rng, region)
    return _from_example(rng, region, PhoneNumberType.MOBILE if mobile else PhoneNumberType.FIXED_LINE)


def _nanp_rendering(rng: random.Random, e164: str) -> str:
    digits = e164[2:]
    a, b, c = digits[:3], digits[3:6], digits[6:]
    style = rng.choices(range(11), weights=(24, 10, 12, 8, 4, 10, 3, 5, 16, 4, 4), k=1)[0]
    return (
        f"({a}) {b}-{c}",
        f"{a}.{b}.{c}",
        f"{a}-{b}-{c}",
        f"+1 {a} {b} {c}",
        f"+1 ({a}) {b}-{c}",
        f"+1{digits}",
        f"001 {a} {b} {c}",
        f"1-{a}-{b}-{c}",
        digits,
        f"1 {a} {b} {c}",
        f"+1-{a}-{b}-{c}",
    )[style]


def render_phone(rng: random.Random, phone: Phone, *, national_share: float = 0.1) -> str:
    """The number as a person or a form might have written it.

    North American numbers come in a dozen shapes; others mostly in international form (`+44 20 7946 0958`,
    `0044 ...`, `+44 (0)20 ...`) and, for `national_share` of renderings, in their own national format.
    """
    if phone.region in ("US", "CA"):
        return _nanp_rendering(rng, phone.e164)
    number = phone.parsed
    international = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    if rng.random() < national_share:
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    style = rng.choices(range(4), weights=(55, 20, 15, 10), k=1)[0]
    if style == 0:
        return international
    if style == 1:
        return phone.e164
    if style == 2:
        return "00" + international[1:]
    code, rest = international.split(" ", 1)
    return f"{code} (0){rest}" if phone.region in ("GB", "DE") else international
