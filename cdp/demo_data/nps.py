"""Survey responses (`nps/responses-NNNN.jsonl`)."""

from __future__ import annotations

import json
import random
from pathlib import Path

from cdp.demo_data import malformed
from cdp.demo_data.clock import LAST_ACTIVITY, iso_z
from cdp.demo_data.ids import Counters
from cdp.demo_data.people import Household, Person
from cdp.demo_data.render import render_email
from cdp.demo_data.sinks import Parts
from cdp.demo_data.truth import Ledger, normalise_email

_COMMENTS = {
    "detractor": ("Delivery took two weeks.", "Sizes run small.", "Support never answered.", ""),
    "passive": ("Fine, nothing special.", "Prices are a bit high.", ""),
    "promoter": ("Love the quality!", "Great staff at my local store.", "Fast shipping, will buy again.", ""),
}


class NpsWriter:
    """Writes 1-3 survey responses per surveyed person."""

    def __init__(self, out_dir: Path, compress: bool, counters: Counters, max_lines: int = 100_000) -> None:
        self.parts = Parts(out_dir / "nps", "responses", ".jsonl", max_lines, compress)
        self.counters = counters
        self.malformed = 0

    def write_household(self, household: Household, rng: random.Random, ledger: Ledger) -> None:
        for person in household.members:
            if "nps" in person.sources and person.main_email:
                self._person(person, rng, ledger)

    def _person(self, p: Person, rng: random.Random, ledger: Ledger) -> None:
        for _ in range(rng.choices((1, 2, 3), weights=(70, 22, 8), k=1)[0]):
            score = rng.choices(range(11), weights=(2, 1, 1, 2, 2, 4, 6, 10, 18, 22, 20), k=1)[0]
            group = "detractor" if score <= 6 else "passive" if score <= 8 else "promoter"
            email = render_email(rng, p.main_email or "", messy=0.12)
            record = {
                "id": f"resp_{self.counters.next('nps', rng, 3):08d}",
                "email": email,
                "score": score,
                "comment": rng.choice(_COMMENTS[group]),
                "created_at": iso_z(rng.randint(p.created_at, LAST_ACTIVITY)),
                "survey": "relationship",
                "channel": rng.choice(("email", "web", "in_app")),
            }
            self.parts.add(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
            ledger.record(p.person_id, [("email", normalise_email(email))])
            if malformed.due(rng, self.parts):
                self.malformed += 1
                if rng.random() < 0.4:
                    bad = dict(record, score=rng.choice(("ten", "11", "")))
                    self.parts.add(json.dumps(bad, ensure_ascii=False, separators=(",", ":")))
                else:
                    self.parts.add(
                        malformed.broken_json_line(rng, record, time_keys=("created_at",), required="id")
                    )

    def close(self) -> dict[str, int]:
        return self.parts.close()
