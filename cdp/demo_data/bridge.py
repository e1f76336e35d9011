"""Bridging records: keep every identifier of a person linkable.

Random source membership sometimes leaves a person's identifiers in separate groups that no record joins
(an email seen only by the ESP while the rest of the person is known by phone, a phone typed at the till).
No system could link those, so before a person's truth is written the disconnected groups are joined by the
record that would join them in real life: a HubSpot contact with the email and the phone (the CRM collects
both from forms and imports), or a consent change carrying the email and the user id (a logged-in
preference-centre visit), or a server-side Segment identify with the user id and the phone (an account
update). Groups of only device or anonymous ids cannot be bridged this way; they stay
unlinkable by design (stray browsers, never-identified visitors) and are counted in the summary.
"""

from __future__ import annotations

import random

import phonenumbers

from cdp.demo_data.catalog import BRAND_DOMAIN, STORES
from cdp.demo_data.consent import ConsentWriter
from cdp.demo_data.hubspot import HubSpotWriter
from cdp.demo_data.people import Person
from cdp.demo_data.phones import Phone
from cdp.demo_data.pos import store_phone
from cdp.demo_data.render import JUNK_EMAILS_VALID
from cdp.demo_data.segment import SegmentWriter
from cdp.demo_data.truth import Identifier, Ledger

_STORE_PHONES = {store_phone(store_id, region).e164 for store_id, region in STORES}


def _personal(ident: Identifier) -> bool:
    """Whether the value belongs to this person alone (not a placeholder shared by many)."""
    kind, value = ident
    if kind == "email":
        return value not in JUNK_EMAILS_VALID and not value.endswith("@" + BRAND_DOMAIN)
    if kind == "phone":
        return value not in _STORE_PHONES
    return True


def _first(group: list[Identifier], kind: str) -> str | None:
    return next((v for k, v in group if k == kind and _personal((k, v))), None)


def _phone(e164: str) -> Phone:
    return Phone(phonenumbers.region_code_for_number(phonenumbers.parse(e164)), e164)


def bridge_person(
    person: Person,
    rng: random.Random,
    ledger: Ledger,
    hubspot: HubSpotWriter,
    consent: ConsentWriter,
    segment: SegmentWriter,
) -> None:
    """Write the records that join `person`'s disconnected identifier groups, where a real one exists."""
    groups = ledger.groups(person.person_id)
    while len(groups) > 1:
        main = groups[0]
        main_email, main_phone, main_user = (_first(main, k) for k in ("email", "phone", "user_id"))
        for small in groups[1:]:
            email, phone, user = (_first(small, k) for k in ("email", "phone", "user_id"))
            if email and main_phone:
                hubspot.contact(person, rng, ledger, email, _phone(main_phone))
            elif phone and main_email:
                hubspot.contact(person, rng, ledger, main_email, _phone(phone))
            elif email and main_user:
                consent.link(person, rng, ledger, email, main_user)
            elif user and main_email:
                consent.link(person, rng, ledger, main_email, user)
            elif phone and main_user:
                segment.server_identify(person, rng, ledger, main_user, _phone(phone))
            elif user and main_phone:
                segment.server_identify(person, rng, ledger, user, _phone(main_phone))
            else:
                continue
            break
        else:
            return
        groups = ledger.groups(person.person_id)
