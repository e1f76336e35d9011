"""The person a privacy request is about: their customer id and every identifier linked to them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from cdp.profile_lookup import candidate_values, find_customer


class WarehouseNotBuilt(RuntimeError):
    """The warehouse has raw data at most: identity has never been built."""


@dataclass(frozen=True)
class Subject:
    """Who a request is about. `identifiers` are normalised `(type, value)` pairs; `customer_id` is None
    when the identifier no longer (or never did) resolve to a customer."""

    given: str
    customer_id: str | None
    identifiers: tuple[tuple[str, str], ...]

    @property
    def found(self) -> bool:
        return self.customer_id is not None

    @property
    def values(self) -> tuple[str, ...]:
        """Every value to look for: the identifiers' values and the customer id, without repeats."""
        seen: dict[str, None] = {}
        for value in (*(v for _, v in self.identifiers), self.customer_id, self.given.strip()):
            if value:
                seen.setdefault(value, None)
        return tuple(seen)


def resolve_subject(db_path: Path, identifier: str) -> Subject:
    """Resolve an email, phone, user id, any other identifier or a customer id to its customer.

    When nothing resolves, the subject keeps the identifier in its normalised forms (email, E.164 phone)
    so a request for someone the warehouse no longer holds can still be logged, tombstoned and verified.
    """
    if not Path(db_path).is_file():
        raise FileNotFoundError(f"{db_path}: warehouse not found (run `cdp run` or `cdp build` first)")
    try:
        view = find_customer(Path(db_path), identifier)
    except duckdb.CatalogException:
        raise WarehouseNotBuilt(
            f"{db_path}: the warehouse has no identity tables yet (run `cdp build` first)"
        ) from None
    if view is not None:
        pairs = {(i.identifier_type, i.identifier_value) for i in view.identifiers}
        return Subject(identifier, view.customer_id, tuple(sorted(pairs)))
    typed = {(kind, value) for kind, value in candidate_values(identifier) if kind is not None}
    return Subject(identifier, None, tuple(sorted(typed)))
