"""Zendesk export (`support/export-NNNN.json`, `{"tickets": [...], "users": [...]}`).

Hard cases: one person as two Zendesk users (an email requester and a phone-channel requester), CSAT
ratings, tickets that only carry the requester id.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from cdp.demo_data import malformed
from cdp.demo_data.clock import DAY, LAST_ACTIVITY, iso_z
from cdp.demo_data.ids import Counters
from cdp.demo_data.people import Household, Person
from cdp.demo_data.phones import render_phone
from cdp.demo_data.render import render_email
from cdp.demo_data.sinks import open_text
from cdp.demo_data.truth import Ledger, normalise_email

_SUBJECTS = (
    "Where is my order?",
    "Return request",
    "Wrong size delivered",
    "Loyalty points missing",
    "Cannot log in to the app",
    "Refund not received",
    "Store opening hours",
    "Damaged item",
)
_SCORES = ("good", "good", "good", "bad", "offered", "unoffered", "unoffered")
_SUBDOMAIN = "https://lumenandco.zendesk.com/api/v2"


class SupportWriter:
    """Buffers one export's tickets and users (as text) and writes a document every `max_users` users."""

    def __init__(self, out_dir: Path, compress: bool, counters: Counters, max_users: int = 5_000) -> None:
        self.folder = out_dir / "support"
        self.compress = compress
        self.counters = counters
        self.max_users = max_users
        self.malformed = 0
        self.counts: dict[str, int] = {}
        self._tickets: list[str] = []
        self._users: list[str] = []
        self._parts = 0

    def write_household(self, household: Household, rng: random.Random, ledger: Ledger) -> None:
        for person in household.members:
            if "support" in person.sources:
                self._person(person, rng, ledger)
        if len(self._users) >= self.max_users:
            self._flush()

    def _person(self, p: Person, rng: random.Random, ledger: Ledger) -> None:
        email = p.main_email
        phone = p.mobile or p.landline
        users = []
        if email:
            caller = phone is not None and rng.random() < 0.15
            with_phone = caller or (phone is not None and rng.random() < 0.5)
            users.append(self._user(p, rng, ledger, email, phone if with_phone else None))
            if caller:
                # Called the hotline: a second, phone-only requester for the same person.
                users.append(self._user(p, rng, ledger, None, phone))
        elif phone:
            users.append(self._user(p, rng, ledger, None, phone))
        for user_id in users:
            for _ in range(rng.choices((1, 2, 4), weights=(65, 25, 10), k=1)[0]):
                self._ticket(p, rng, ledger, user_id)

    def _user(self, p: Person, rng: random.Random, ledger: Ledger, email, phone) -> int:
        user_id = self.counters.next("zendesk_user", rng, 1000)
        email_text = render_email(rng, email, messy=0.1) if email else None
        user = {
            "id": user_id,
            "url": f"{_SUBDOMAIN}/users/{user_id}.json",
            "name": f"{p.first_name} {p.last_name}" if email else f"Caller {render_phone(rng, phone)}",
            "email": email_text,
            "phone": render_phone(rng, phone, national_share=0.3) if phone else None,
            "role": "end-user",
            "created_at": iso_z(p.created_at + rng.randint(0, 20 * DAY)),
            "verified": bool(email),
            "locale": "en-US",
        }
        self._users.append(json.dumps(user, ensure_ascii=False))
        ledger.record(
            p.person_id,
            [
                ("zendesk_user_id", str(user_id)),
                ("email", normalise_email(email_text)),
                ("phone", phone.e164 if phone else None),
            ],
        )
        if malformed.due_count(rng, len(self._users)):
            self.malformed += 1
            self._users.append(json.dumps({k: v for k, v in user.items() if k != "id"}, ensure_ascii=False))
        return user_id

    def _ticket(self, p: Person, rng: random.Random, ledger: Ledger, requester_id: int) -> None:
        ticket_id = self.counters.next("zendesk_ticket", rng, 3)
        created = rng.randint(p.created_at, LAST_ACTIVITY)
        status = rng.choice(("solved", "solved", "closed", "open", "pending"))
        score = rng.choice(_SCORES) if status in ("solved", "closed") else "unoffered"
        ticket = {
            "id": ticket_id,
            "url": f"{_SUBDOMAIN}/tickets/{ticket_id}.json",
            "requester_id": requester_id,
            "submitter_id": requester_id,
            "created_at": iso_z(created),
            "updated_at": iso_z(created + rng.randint(600, 5 * DAY)),
            "status": status,
            "subject": rng.choice(_SUBJECTS),
            "via": {"channel": rng.choice(("email", "web", "voice", "chat"))},
            "satisfaction_rating": {
                "score": score,
                **({"comment": "Quick and helpful"} if score == "good" else {}),
            },
            "tags": [],
        }
        self._tickets.append(json.dumps(ticket, ensure_ascii=False))
        ledger.record(p.person_id, [("zendesk_user_id", str(requester_id))])
        if malformed.due_count(rng, len(self._tickets)):
            self.malformed += 1
            self._tickets.append(json.dumps(dict(ticket, created_at=malformed.bad_timestamp())))

    def _flush(self) -> None:
        if not self._users and not self._tickets:
            return
        self._parts += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"export-{self._parts:04d}.json" + (".gz" if self.compress else "")
        with open_text(self.folder / name, self.compress) as handle:
            handle.write('{"tickets": [\n' + ",\n".join(self._tickets) + "\n],\n")
            handle.write('"users": [\n' + ",\n".join(self._users) + "\n]}\n")
        self.counts[f"support/{name}"] = len(self._tickets) + len(self._users)
        self._tickets, self._users = [], []

    def close(self) -> dict[str, int]:
        self._flush()
        return self.counts
