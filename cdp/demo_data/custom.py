"""A custom source: the loyalty programme app's member export (`custom/loyalty_app.csv` + its mapping)."""

from __future__ import annotations

import random
from pathlib import Path

from cdp.demo_data import malformed
from cdp.demo_data.clock import LAST_ACTIVITY, iso_z
from cdp.demo_data.people import Household, Person
from cdp.demo_data.phones import render_phone
from cdp.demo_data.render import render_email
from cdp.demo_data.sinks import CsvParts, csv_line
from cdp.demo_data.truth import Ledger, normalise_email

NAME = "loyalty_app"
HEADER = [
    "member_id",
    "email_address",
    "mobile",
    "app_user_id",
    "given_name",
    "family_name",
    "tier",
    "points_balance",
    "enrolled_at",
    "updated_at",
]
MAPPING = """\
# Loyalty programme app: one row per member.
primary_key: member_id
occurred_at: updated_at
identifiers:
  loyalty_id: member_id
  email: email_address
  phone: mobile
  user_id: app_user_id
attributes:
  first_name: given_name
  last_name: family_name
  loyalty_tier: tier
  loyalty_points: points_balance
  loyalty_enrolled_at: enrolled_at
"""


class CustomWriter:
    """Writes one member row per loyalty app member."""

    def __init__(self, out_dir: Path, compress: bool) -> None:
        folder = out_dir / "custom"
        self.parts = CsvParts(folder, NAME, HEADER, max_items=10**12, compress=compress)
        self.parts.single_name = f"{NAME}.csv" + (".gz" if compress else "")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{NAME}.yml").write_text(MAPPING, encoding="utf-8")
        self.malformed = 0

    def write_household(self, household: Household, rng: random.Random, ledger: Ledger) -> None:
        for person in household.members:
            if "custom" in person.sources and person.loyalty_id:
                self._person(person, rng, ledger)

    def _person(self, p: Person, rng: random.Random, ledger: Ledger) -> None:
        email = render_email(rng, p.main_email, messy=0.1) if p.main_email else ""
        phone = p.mobile if p.mobile and (not email or rng.random() < 0.6) else None
        if not email and not phone:
            return
        enrolled = rng.randint(p.created_at, LAST_ACTIVITY)
        user_id = p.user_id if p.user_id and rng.random() < 0.5 else ""
        row = [
            p.loyalty_id,
            email,
            render_phone(rng, phone) if phone else "",
            user_id,
            p.first_name,
            p.last_name,
            rng.choices(("bronze", "silver", "gold", "platinum"), weights=(55, 25, 15, 5), k=1)[0],
            rng.randint(0, 12_000),
            iso_z(enrolled),
            iso_z(rng.randint(enrolled, LAST_ACTIVITY)),
        ]
        self.parts.row(row)
        ledger.record(
            p.person_id,
            [
                ("loyalty_id", p.loyalty_id),
                ("email", normalise_email(email)),
                ("phone", phone.e164 if phone else None),
                ("user_id", user_id or None),
            ],
        )
        if malformed.due(rng, self.parts):
            self.malformed += 1
            bad = ["", *row[1:]] if rng.random() < 0.5 else [*row, "unexpected"]
            self.parts.add(csv_line(bad))

    def close(self) -> dict[str, int]:
        return self.parts.close()
