"""The truth file: which identifiers belong to which person, and a check that each one is linkable.

Writers report every well-formed record they emit with the normalised identifiers it carries. Per person,
identifiers that share a record are joined (union-find); an identifier outside the person's largest group
could never be linked to the rest by any system and is counted as unlinkable.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from cdp.demo_data.phones import Phone

IDENTIFIER_TYPES = (
    "email",
    "phone",
    "user_id",
    "anonymous_id",
    "device_id",
    "crm_id",
    "shopify_customer_id",
    "loyalty_id",
    "zendesk_user_id",
)

Identifier = tuple[str, str]


def normalise_email(text: str | None) -> str | None:
    """Trimmed and lower-cased; None when the value is not an email address (`n/a`, `jane.doe`)."""
    if text is None:
        return None
    value = text.strip().lower()
    local, at, domain = value.partition("@")
    if not at or not local or "." not in domain or "@" in domain or " " in value:
        return None
    return value


def phone_value(phone: Phone | None) -> str | None:
    """E.164 of a real number."""
    return phone.e164 if phone else None


class Ledger:
    """Collects each person's identifiers from well-formed records; writes `truth.csv` as persons finish."""

    def __init__(self, path: Path) -> None:
        self._handle: TextIO = path.open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._handle, lineterminator="\n")
        self._writer.writerow(["identifier_type", "identifier_value", "person_id"])
        self._parents: dict[str, dict[Identifier, Identifier]] = {}
        self.rows = 0
        self.identifiers = 0
        self.unlinkable = 0
        self.unlinkable_examples: list[tuple[str, Identifier]] = []

    def record(self, person_id: str, identifiers: Iterable[tuple[str, str | None]]) -> None:
        """Note one well-formed record of `person_id` carrying `identifiers` (None values are skipped)."""
        present = [(kind, value) for kind, value in identifiers if value]
        if not present:
            return
        parents = self._parents.setdefault(person_id, {})
        for ident in present:
            parents.setdefault(ident, ident)
        first = _root(parents, present[0])
        for ident in present[1:]:
            root = _root(parents, ident)
            if root != first:
                parents[root] = first

    def knows(self, person_id: str, ident: Identifier) -> bool:
        """Whether a well-formed record of the person already carried `ident`."""
        return ident in self._parents.get(person_id, {})

    def groups(self, person_id: str) -> list[list[Identifier]]:
        """The person's identifiers grouped by what records link them, largest group first."""
        parents = self._parents.get(person_id, {})
        grouped: dict[Identifier, list[Identifier]] = {}
        for ident in parents:
            grouped.setdefault(_root(parents, ident), []).append(ident)
        return sorted((sorted(g) for g in grouped.values()), key=lambda g: (-len(g), g))

    def finish(self, person_ids: Iterable[str]) -> None:
        """Write the truth rows of these persons and forget them."""
        for person_id in person_ids:
            parents = self._parents.pop(person_id, {})
            groups: dict[Identifier, int] = {}
            for ident in parents:
                root = _root(parents, ident)
                groups[root] = groups.get(root, 0) + 1
            if len(groups) > 1:
                largest = max(groups.values())
                self.unlinkable += len(parents) - largest
                if len(self.unlinkable_examples) < 20:
                    smallest = min(groups, key=lambda r: (groups[r], r))
                    self.unlinkable_examples.append((person_id, smallest))
            for kind, value in sorted(parents):
                self._writer.writerow([kind, value, person_id])
            self.rows += len(parents)
            self.identifiers += len(parents)

    def close(self) -> None:
        self._handle.close()


def _root(parents: dict[Identifier, Identifier], ident: Identifier) -> Identifier:
    while parents[ident] != ident:
        parents[ident] = parents[parents[ident]]
        ident = parents[ident]
    return ident
