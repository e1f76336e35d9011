"""SendGrid Event Webhook events (`esp/events-NNNN.jsonl`): campaign sends and what recipients did."""

from __future__ import annotations

import json
import random
from pathlib import Path

from cdp.demo_data import ids, malformed
from cdp.demo_data.catalog import BRAND_DOMAIN
from cdp.demo_data.clock import DAY, LAST_ACTIVITY
from cdp.demo_data.people import Household, Person
from cdp.demo_data.render import render_email
from cdp.demo_data.sinks import Parts
from cdp.demo_data.truth import Ledger, normalise_email

_CATEGORIES = (
    ["newsletter"],
    ["promo", "spring_sale"],
    ["promo", "black_friday"],
    "product_updates",
    ["winback"],
    "transactional",
)


class EspWriter:
    """Writes email engagement for the persons on the mailing list."""

    def __init__(self, out_dir: Path, compress: bool, max_lines: int = 100_000) -> None:
        self.parts = Parts(out_dir / "esp", "events", ".jsonl", max_lines, compress)
        self.malformed = 0

    def write_household(self, household: Household, rng: random.Random, ledger: Ledger) -> None:
        for person in household.members:
            if "esp" in person.sources:
                self._person(person, rng, ledger)

    def _person(self, p: Person, rng: random.Random, ledger: Ledger) -> None:
        addresses = [p.main_email]
        known = ledger.knows(p.person_id, ("email", p.work_email or ""))
        if p.work_email and p.personal_email and known and rng.random() < 0.3:
            addresses.append(p.work_email)
        for address in addresses:
            # The ESP keeps the address as imported: mostly clean, sometimes as typed.
            text = render_email(rng, address, messy=0.05)
            self._recipient(p, rng, ledger, text)

    def _recipient(self, p: Person, rng: random.Random, ledger: Ledger, email: str) -> None:
        sends = rng.randint(2, 10)
        for ts in sorted(rng.randint(p.created_at, LAST_ACTIVITY) for _ in range(sends)):
            message_id = ids.b64_token(rng, 22)
            category = rng.choice(_CATEGORIES)
            events = [("processed", ts)]
            outcome = rng.random()
            if outcome < 0.03:
                events.append(("bounce", ts + 5))
            elif outcome < 0.05:
                events.append(("dropped", ts + 1))
            else:
                events.append(("delivered", ts + rng.randint(2, 60)))
                if rng.random() < 0.35:
                    opened = ts + rng.randint(60, 3 * DAY)
                    events.append(("open", opened))
                    if rng.random() < 0.25:
                        events.append(("click", opened + rng.randint(5, 600)))
                    if rng.random() < 0.01:
                        events.append(("unsubscribe", opened + rng.randint(5, 600)))
                if rng.random() < 0.002:
                    events.append(("spamreport", ts + rng.randint(60, DAY)))
            stop = False
            for event, at in events:
                self._event(p, rng, ledger, email, event, at, message_id, category)
                stop = stop or event in ("unsubscribe", "spamreport", "bounce")
            if stop:
                return

    def _event(self, p, rng, ledger: Ledger, email, event, at, message_id, category) -> None:
        record: dict = {
            "email": email,
            "timestamp": at,
            "smtp-id": f"<{message_id}@ismtpd0001p1iad2.sendgrid.net>",
            "event": event,
            "category": category,
            "sg_event_id": ids.b64_token(rng, 22),
            "sg_message_id": f"{message_id}.filterdrecv-5b8c6c8c7-2xq7m-1-{ids.hex_token(rng, 8).upper()}-0",
        }
        if event in ("open", "click"):
            record["useragent"] = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)"
            record["ip"] = f"198.51.100.{rng.randint(1, 254)}"
            record["sg_machine_open"] = event == "open" and rng.random() < 0.4
        if event == "click":
            record["url"] = f"https://www.{BRAND_DOMAIN}/collections/new?utm_source=email"
        if event == "bounce":
            record.update(
                reason="550 5.1.1 The email account that you tried to reach does not exist.",
                status="5.1.1",
                type="bounce",
            )
        self.parts.add(json.dumps(record, separators=(",", ":")))
        ledger.record(p.person_id, [("email", normalise_email(email))])
        if malformed.due(rng, self.parts):
            self.malformed += 1
            self.parts.add(
                malformed.broken_json_line(rng, record, time_keys=("timestamp",), required="sg_event_id")
            )

    def close(self) -> dict[str, int]:
        return self.parts.close()
