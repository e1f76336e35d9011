"""HubSpot contacts export (`hubspot/contacts-NNNN.csv`).

Hard cases: the same person twice under two Record IDs (work email on one, personal on the other, the phone
in two formats), case/whitespace duplicates, junk emails and phones, household landlines.
"""

from __future__ import annotations

import random
from pathlib import Path

from cdp.demo_data import malformed
from cdp.demo_data.clock import LAST_ACTIVITY, hubspot_datetime
from cdp.demo_data.ids import Counters
from cdp.demo_data.people import Household, Person
from cdp.demo_data.phones import JUNK_PHONES, Phone, render_phone
from cdp.demo_data.render import junk_email, render_email
from cdp.demo_data.sinks import CsvParts, csv_line
from cdp.demo_data.truth import Ledger, normalise_email

HEADER = [
    "Record ID",
    "First Name",
    "Last Name",
    "Email",
    "Phone Number",
    "Create Date",
    "Lifecycle Stage",
    "Company Name",
    "City",
    "Country/Region",
    "Marketing contact status",
    "Last Activity Date",
]
_STAGES = (
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "customer",
    "customer",
    "evangelist",
    "other",
)


class HubSpotWriter:
    """Writes one or two contact records per CRM person."""

    def __init__(self, out_dir: Path, compress: bool, counters: Counters, max_rows: int = 100_000) -> None:
        self.parts = CsvParts(out_dir / "hubspot", "contacts", HEADER, max_rows, compress)
        self.counters = counters
        self.malformed = 0

    def write_household(self, household: Household, rng: random.Random, ledger: Ledger) -> None:
        for person in household.members:
            if "crm" in person.sources:
                self._person(person, rng, ledger)

    def _person(self, p: Person, rng: random.Random, ledger: Ledger) -> None:
        phone: Phone | None = p.landline if p.landline and rng.random() < 0.6 else (p.mobile or p.landline)
        if p.work_email and p.personal_email and phone and rng.random() < 0.4:
            # Signed up privately, then again from work (a webinar, a B2B form): two Record IDs, one phone.
            self._contact(p, rng, ledger, p.personal_email, phone, company=False)
            self._contact(p, rng, ledger, p.work_email, phone, company=True)
            return
        email = p.main_email
        self._contact(
            p,
            rng,
            ledger,
            email,
            phone if phone and (not email or rng.random() < 0.7) else None,
            company=False,
        )
        if email and rng.random() < 0.03:
            # Imported twice from a list with different casing.
            self._contact(p, rng, ledger, render_email(rng, email, messy=1.0), None, company=False)

    def contact(self, p: Person, rng: random.Random, ledger: Ledger, email: str, phone: Phone) -> None:
        """A plain contact with this email and phone (no junk), e.g. to join what other sources split."""
        self._contact(p, rng, ledger, email, phone, company=False, junk=False)

    def _contact(
        self,
        p: Person,
        rng,
        ledger: Ledger,
        email: str | None,
        phone: Phone | None,
        company: bool,
        junk: bool = True,
    ):
        email_text = render_email(rng, email, messy=0.08) if email else ""
        phone_text = render_phone(rng, phone, national_share=0.25) if phone else ""
        real_phone = phone.e164 if phone else None
        if not email_text and not phone_text:
            return
        # Junk only where the record still has a real identifier of the person next to it.
        if junk and real_phone and rng.random() < 0.05:
            email_text = junk_email(rng)
        elif junk and email_text and rng.random() < 0.05:
            phone_text, real_phone = rng.choice(JUNK_PHONES), None
        record_id = self.counters.next("crm", rng, 9)
        created = rng.randint(p.created_at, LAST_ACTIVITY)
        row = [
            record_id,
            p.first_name if rng.random() < 0.97 else "",
            p.last_name,
            email_text,
            phone_text,
            hubspot_datetime(created),
            rng.choice(_STAGES),
            (email.split("@")[1].split(".")[0].replace("-", " ").title() if company and email else ""),
            p.city[0],
            p.region,
            rng.choice(("Marketing contact", "Non-marketing contact")),
            hubspot_datetime(rng.randint(created, LAST_ACTIVITY)),
        ]
        self.parts.row(row)
        ledger.record(
            p.person_id,
            [("crm_id", str(record_id)), ("email", normalise_email(email_text)), ("phone", real_phone)],
        )
        if malformed.due(rng, self.parts):
            self.malformed += 1
            if rng.random() < 0.5:
                self.parts.add(csv_line(row[:-3]))  # a row cut short
            else:
                self.parts.add(csv_line([*row, "extra", "columns"]))

    def close(self) -> dict[str, int]:
        return self.parts.close()
