"""The synthetic population: households of people, their identifiers and which sources know them.

Everything about a person that several sources must agree on (names, emails, phones, account ids, devices)
is decided here; each source writer then decides how that source renders it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from cdp.demo_data import ids
from cdp.demo_data.clock import DAY, WINDOW_END, WINDOW_START
from cdp.demo_data.names import (
    CITIES,
    FIRST_NAMES,
    LAST_NAMES,
    PERSONAL_DOMAINS,
    STREETS,
    WORK_DOMAINS,
    ascii_slug,
)
from cdp.demo_data.phones import Phone, random_phone

REGIONS = ("US", "CA", "GB", "DE", "FR", "AU")
_REGION_WEIGHTS = (78, 6, 8, 3, 2, 3)

#: Probability that a person is known to each source (before the consistency rules in `_sources`).
SOURCE_PROBABILITIES = {
    "web": 0.55,
    "app": 0.22,
    "shop": 0.35,
    "crm": 0.40,
    "pos": 0.28,
    "esp": 0.45,
    "support": 0.08,
    "nps": 0.10,
}
#: Sources whose records carry an email together with another identifier.
_LINKING_SOURCES = {"web", "app", "shop", "crm", "support", "custom"}


@dataclass
class AppDevice:
    device_id: str
    anonymous_id: str
    os: str


@dataclass
class Tablet:
    """A household device several members log into with their own accounts."""

    kind: str  # "web" or "app"
    anonymous_id: str
    device_id: str | None
    users: list[str] = field(default_factory=list)  # person ids


@dataclass
class Person:
    person_id: str
    index: int
    region: str
    first_name: str
    last_name: str
    city: tuple[str, str, str]
    street: str
    created_at: int
    personal_email: str | None
    work_email: str | None
    mobile: Phone | None
    landline: Phone | None
    sources: set[str]
    user_id: str | None = None
    legacy_user_id: str | None = None
    browsers: list[str] = field(default_factory=list)
    stray_browser: str | None = None
    app_devices: list[AppDevice] = field(default_factory=list)
    loyalty_id: str | None = None

    @property
    def emails(self) -> list[str]:
        return [e for e in (self.personal_email, self.work_email) if e]

    @property
    def main_email(self) -> str | None:
        return self.personal_email or self.work_email

    @property
    def phones(self) -> list[Phone]:
        return [p for p in (self.mobile, self.landline) if p]


@dataclass
class Household:
    index: int
    members: list[Person]
    tablet: Tablet | None = None
    landline: Phone | None = None


def _email(rng: random.Random, first: str, last: str, index: int, region: str) -> str:
    f, last_slug = ascii_slug(first) or "x", ascii_slug(last) or "x"
    # The index keeps every address unique, so no two persons share an email by accident.
    local = rng.choice((f"{f}.{last_slug}", f"{f}{last_slug}", f"{f[0]}{last_slug}", f"{f}_{last_slug}"))
    return f"{local}{index}@{rng.choice(PERSONAL_DOMAINS[region])}"


def _work_email(rng: random.Random, first: str, last: str, index: int) -> str:
    return f"{ascii_slug(first)[:1] or 'x'}{ascii_slug(last) or 'x'}.{index}@{rng.choice(WORK_DOMAINS)}"


def _sources(rng: random.Random, has_email: bool, has_phone: bool) -> set[str]:
    chosen = {name for name, p in SOURCE_PROBABILITIES.items() if rng.random() < p}
    if not has_email:
        chosen -= {"esp", "nps"}
    if not has_email and not has_phone:
        chosen -= {"crm", "support"}
    if not chosen:
        chosen.add(rng.choice(["web", "web", "crm", "shop", "pos", "esp"] if has_email else ["web", "pos"]))
    if "pos" in chosen and rng.random() < 0.5:
        chosen.add("loyalty")
    elif rng.random() < 0.03 and (has_email or has_phone):
        chosen |= {"loyalty", "custom"}  # joined the programme in the app, never shopped in store
    if "loyalty" in chosen and rng.random() < 0.45 and (has_email or has_phone):
        chosen.add("custom")
    if chosen & {"web", "app", "shop", "esp"} and rng.random() < 0.45:
        chosen.add("consent")
    # Newsletter and survey lists are synced from the CRM, which is also where the email meets a phone.
    if chosen & {"esp", "nps"} and not chosen & _LINKING_SOURCES and (chosen - {"esp", "nps", "consent"}):
        chosen.add("crm")
    return chosen


def _person(rng: random.Random, index: int, region: str, last_name: str, city, street) -> Person:
    first = rng.choice(FIRST_NAMES[region])
    if rng.random() >= 0.9:
        last_name = rng.choice(LAST_NAMES[region])  # not everyone in a household shares the name
    has_email = rng.random() < 0.93
    personal = _email(rng, first, last_name, index, region) if has_email else None
    work = _work_email(rng, first, last_name, index) if has_email and rng.random() < 0.18 else None
    mobile = random_phone(rng, region) if rng.random() < 0.75 else None
    created = rng.randint(WINDOW_START, WINDOW_END - 30 * DAY)
    person = Person(
        person_id=f"P{index:07d}",
        index=index,
        region=region,
        first_name=first,
        last_name=last_name,
        city=city,
        street=street,
        created_at=created,
        personal_email=personal,
        work_email=work,
        mobile=mobile,
        landline=None,
        sources=_sources(rng, has_email, mobile is not None),
    )
    _accounts(rng, person)
    return person


def _accounts(rng: random.Random, person: Person) -> None:
    """Web/app accounts and devices, the loyalty card."""
    if person.sources & {"web", "app"}:
        if "web" in person.sources and rng.random() < 0.05:
            # An anonymous visitor who never logs in: usually known to nothing else either.
            person.browsers = [ids.uuid4(rng)]
            person.sources.discard("app")
            if rng.random() < 0.9:
                person.sources = {"web"}
        else:
            person.user_id = f"usr_{ids.scrambled(person.index, 1):012x}"
            if "web" in person.sources:
                count = rng.choices((1, 2, 3, 4), weights=(55, 30, 10, 5), k=1)[0]
                person.browsers = [ids.uuid4(rng) for _ in range(count)]
                if rng.random() < 0.06:
                    person.legacy_user_id = f"{ids.scrambled(person.index, 2) % 10**8:08d}"
                if rng.random() < 0.01:
                    person.stray_browser = ids.uuid4(rng)
            if "app" in person.sources:
                for _ in range(rng.choices((1, 2), weights=(85, 15), k=1)[0]):
                    ios = rng.random() < 0.55
                    person.app_devices.append(
                        AppDevice(
                            device_id=ids.ios_idfv(rng) if ios else ids.android_id(rng),
                            anonymous_id=ids.uuid4(rng),
                            os="iOS" if ios else "Android",
                        )
                    )
    if "loyalty" in person.sources:
        person.loyalty_id = f"LY{(person.index * 7919 + 104_729) % 999_999_937:09d}"


def _household(rng: random.Random, index: int, first_person: int, size: int) -> Household:
    region = rng.choices(REGIONS, weights=_REGION_WEIGHTS, k=1)[0]
    last_name = rng.choice(LAST_NAMES[region])
    city = rng.choice(CITIES[region])
    street = f"{rng.randint(1, 2400)} {rng.choice(STREETS)}"
    members = [_person(rng, first_person + i, region, last_name, city, street) for i in range(size)]
    household = Household(index=index, members=members)
    if size >= 2 and rng.random() < 0.15:
        # A landline shared by the two adults.
        household.landline = random_phone(rng, region, mobile=False)
        for person in members[:2]:
            person.landline = household.landline
    if size >= 2 and rng.random() < 0.22:
        _share_tablet(rng, household)
    return household


def _share_tablet(rng: random.Random, household: Household) -> None:
    """A family tablet: 2-4 members each log in with their own account on the same device."""
    users = [p for p in household.members if p.user_id]
    if len(users) < 2:
        return
    users = users[: rng.randint(2, min(4, len(users)))]
    if all(p.app_devices for p in users) and rng.random() < 0.5:
        tablet = Tablet("app", ids.uuid4(rng), ids.ios_idfv(rng))
    else:
        tablet = Tablet("web", ids.uuid4(rng), None)
    tablet.users = [p.person_id for p in users]
    for person in users:
        person.sources.add(tablet.kind)
    household.tablet = tablet


def households(seed: int, customers: int, first_person: int = 1) -> Iterator[tuple[Household, random.Random]]:
    """Households until `customers` people exist, each with the random generator its sources continue with.

    Every household has its own generator seeded from (seed, household index), so the output is the same
    for a seed however the work is chunked.
    """
    made = 0
    index = 0
    while made < customers:
        index += 1
        rng = random.Random(f"{seed}:household:{index}")
        size = min(customers - made, rng.choices((1, 2, 3, 4), weights=(55, 25, 12, 8), k=1)[0])
        yield _household(rng, index, first_person + made, size), rng
        made += size
