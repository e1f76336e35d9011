"""Consent changes (`consent/changes-NNNN.jsonl`): grants and revocations for the four purposes."""

from __future__ import annotations

import json
import random
from pathlib import Path

from cdp.demo_data import malformed
from cdp.demo_data.clock import DAY, LAST_ACTIVITY, iso_offset
from cdp.demo_data.people import Household, Person
from cdp.demo_data.render import render_email
from cdp.demo_data.sinks import Parts
from cdp.demo_data.truth import Ledger, normalise_email

PURPOSES = ("email_marketing", "sms_marketing", "ads_targeting", "analytics")
_SOURCES = {
    "email_marketing": ("signup_form", "checkout", "preference_center"),
    "sms_marketing": ("checkout", "app_settings", "pos"),
    "ads_targeting": ("cookie_banner", "app_settings"),
    "analytics": ("cookie_banner", "app_settings"),
}
_GRANT_RATE = {"email_marketing": 0.8, "sms_marketing": 0.3, "ads_targeting": 0.55, "analytics": 0.75}


class ConsentWriter:
    """Writes the consent history of persons who were asked."""

    def __init__(self, out_dir: Path, compress: bool, max_lines: int = 100_000) -> None:
        self.parts = Parts(out_dir / "consent", "changes", ".jsonl", max_lines, compress)
        self.malformed = 0

    def write_household(self, household: Household, rng: random.Random, ledger: Ledger) -> None:
        for person in household.members:
            if "consent" in person.sources and (person.main_email or person.user_id):
                self._person(person, rng, ledger)

    def _subject(self, p: Person, rng: random.Random) -> dict:
        """Who the change is about: email, user id or both, as the capturing system knew them."""
        email, user_id = p.main_email, p.user_id
        if email and user_id:
            pick = rng.random()
            return {
                "email": render_email(rng, email, messy=0.05) if pick < 0.7 else None,
                "user_id": user_id if pick >= 0.3 else None,
            }
        if email:
            return {"email": render_email(rng, email, messy=0.05), "user_id": None}
        return {"email": None, "user_id": user_id}

    def link(self, p: Person, rng: random.Random, ledger: Ledger, email: str, user_id: str) -> None:
        """A logged-in preference-centre change carrying both the email and the user id."""
        record = {
            "email": render_email(rng, email, messy=0.05),
            "user_id": user_id,
            "purpose": "email_marketing",
            "status": rng.choice(("granted", "granted", "revoked")),
            "occurred_at": iso_offset(rng.randint(p.created_at, LAST_ACTIVITY), 0),
            "source": "preference_center",
        }
        self.parts.add(json.dumps(record, separators=(",", ":")))
        ledger.record(p.person_id, [("email", normalise_email(record["email"])), ("user_id", user_id)])

    def _person(self, p: Person, rng: random.Random, ledger: Ledger) -> None:
        for purpose in PURPOSES:
            roll = rng.random()
            if roll > _GRANT_RATE[purpose] + 0.1:
                continue
            at = rng.randint(p.created_at, LAST_ACTIVITY - 2 * DAY)
            changes = [("granted" if roll <= _GRANT_RATE[purpose] else "revoked", at)]
            if changes[0][0] == "granted" and rng.random() < 0.15:
                changes.append(("revoked", rng.randint(at + DAY, LAST_ACTIVITY)))
            for status, when in changes:
                subject = self._subject(p, rng)
                record = {
                    **subject,
                    "purpose": purpose,
                    "status": status,
                    "occurred_at": iso_offset(when, 0),
                    "source": rng.choice(_SOURCES[purpose]),
                }
                self.parts.add(json.dumps(record, separators=(",", ":")))
                ledger.record(
                    p.person_id,
                    [("email", normalise_email(subject["email"])), ("user_id", subject["user_id"])],
                )
                if malformed.due(rng, self.parts):
                    self.malformed += 1
                    self.parts.add(
                        malformed.broken_json_line(
                            rng, record, time_keys=("occurred_at",), required="purpose"
                        )
                    )

    def close(self) -> dict[str, int]:
        return self.parts.close()
