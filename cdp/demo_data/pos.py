"""Point-of-sale line items (`pos/sales-NNNN.csv`).

Hard cases: the store's own email or phone typed at the till for customers who give none (shared by many
persons), placeholder phones, loyalty cards, anonymous cash sales, quantities and prices as text.
"""

from __future__ import annotations

import random
from pathlib import Path

from cdp.demo_data import malformed
from cdp.demo_data.catalog import CURRENCY, PRODUCTS, store_email, stores_in
from cdp.demo_data.clock import LAST_ACTIVITY, plain_datetime
from cdp.demo_data.ids import Counters
from cdp.demo_data.people import Household, Person
from cdp.demo_data.phones import Phone, random_phone, render_phone
from cdp.demo_data.render import render_email
from cdp.demo_data.sinks import CsvParts, csv_line
from cdp.demo_data.truth import Ledger, normalise_email

HEADER = [
    "transaction_id",
    "store_id",
    "occurred_at",
    "loyalty_id",
    "email",
    "phone",
    "sku",
    "quantity",
    "unit_price",
    "currency",
]


def store_phone(store_id: str, region: str) -> Phone:
    """The store's landline, the same for a store in every run."""
    return random_phone(random.Random(f"store-phone:{store_id}"), region, mobile=False)


class PosWriter:
    """Writes the till transactions of the persons who shop in stores."""

    def __init__(self, out_dir: Path, compress: bool, counters: Counters, max_rows: int = 100_000) -> None:
        self.parts = CsvParts(out_dir / "pos", "sales", HEADER, max_rows, compress)
        self.counters = counters
        self.malformed = 0
        self._store_phones: dict[str, Phone] = {}

    def write_household(self, household: Household, rng: random.Random, ledger: Ledger) -> None:
        for person in household.members:
            if "pos" in person.sources:
                self._person(person, rng, ledger)

    def _customer(self, p: Person, rng: random.Random, store_id: str, first: bool):
        """(loyalty_id, email text, phone text) typed at the till, and the identifiers they are."""
        loyalty = p.loyalty_id if p.loyalty_id and (first or rng.random() < 0.9) else ""
        email = p.main_email
        phone = p.mobile or p.landline
        roll = rng.random()
        email_text, phone_text, idents = "", "", []
        if loyalty:
            idents.append(("loyalty_id", loyalty))
        if email and (roll < 0.3 or (first and loyalty)):
            email_text = render_email(rng, email, messy=0.15)
            idents.append(("email", normalise_email(email_text)))
        elif phone and (roll < 0.5 or (first and loyalty)):
            phone_text = render_phone(rng, phone, national_share=0.3)
            idents.append(("phone", phone.e164))
        if idents and rng.random() < 0.15:
            # The customer gave no email (or only a phone): the cashier typed the store's own mailbox or
            # number to get past the mandatory field.
            if not email_text:
                email_text = store_email(store_id)
                idents.append(("email", email_text))
            elif not phone_text:
                if rng.random() < 0.5:
                    phone_text = "0000000000"
                else:
                    own = self._store_phone(store_id, p.region)
                    phone_text = render_phone(rng, own)
                    idents.append(("phone", own.e164))
        return loyalty, email_text, phone_text, idents

    def _store_phone(self, store_id: str, region: str) -> Phone:
        if store_id not in self._store_phones:
            self._store_phones[store_id] = store_phone(store_id, region)
        return self._store_phones[store_id]

    def _person(self, p: Person, rng: random.Random, ledger: Ledger) -> None:
        home = rng.choice(stores_in(p.region))
        count = rng.choices((1, 2, 3, 5, 8), weights=(40, 25, 15, 12, 8), k=1)[0]
        for n, ts in enumerate(sorted(rng.randint(p.created_at, LAST_ACTIVITY) for _ in range(count))):
            store_id = home if rng.random() < 0.85 else rng.choice(stores_in(p.region))
            loyalty, email_text, phone_text, idents = self._customer(p, rng, store_id, first=n == 0)
            transaction_id = f"{store_id.upper()}-{self.counters.next('pos_txn', rng, 4)}"
            for _ in range(rng.choices((1, 2, 3, 4), weights=(45, 30, 15, 10), k=1)[0]):
                product = rng.choice(PRODUCTS)
                row = [
                    transaction_id,
                    store_id,
                    plain_datetime(ts),
                    loyalty,
                    email_text,
                    phone_text,
                    product.sku,
                    rng.choice((1, 1, 1, 2, 3)),
                    f"{product.price:.2f}",
                    CURRENCY[p.region],
                ]
                self.parts.row(row)
                ledger.record(p.person_id, idents)
                if malformed.due(rng, self.parts):
                    self.malformed += 1
                    self.parts.add(csv_line(_broken(rng, row)))

    def close(self) -> dict[str, int]:
        return self.parts.close()


def _broken(rng: random.Random, row: list) -> list:
    kind = rng.randrange(4)
    if kind == 0:
        return [*row[:7], "two", *row[8:]]
    if kind == 1:
        return [*row[:2], malformed.bad_timestamp(), *row[3:]]
    if kind == 2:
        return row[:-2]
    return [*row[:8], "12,50 EUR", row[9]]
