"""The limited identity graph against the whole graph, on random data (macros/identity/graph_scope.sql).

Two warehouses receive the same random records, load after load: one builds the identity graph limited to
what changed (the default), its twin recomputes the whole graph every build
(`identity_limit_graph_to_changes: false`). Identifiers are drawn from small pools, so records merge people,
shared emails become super-nodes, components break the per-type limits and aliases rename accounts; CRM
contacts are also rewritten with other values. After every build the two graphs must be the same, and so
must the customers: which identifiers share one, and which keep an earlier customer's id.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from identity_warehouse import Warehouse, hubspot_contact, segment_event, shopify_order

SEED = 20261207
FIRST_LOAD = 14
LATER_LOADS = (6, 6, 6, 6)
WHOLE_GRAPH = {"identity_limit_graph_to_changes": False}

EMAILS = [f"r{i}@x.test" for i in range(8)]
PHONES = [f"+1 415 555 02{i:02d}" for i in range(8)]
USER_IDS = [f"ru-{i}" for i in range(5)]
ANONYMOUS_IDS = [f"ra-{i}" for i in range(10)]
SHOP_CUSTOMERS = [7100 + i for i in range(4)]


class RandomRecords:
    """Random raw records over small identifier pools (every choice from one seeded generator)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.count = 0
        self.contacts: list[str] = []

    def _maybe(self, pool: list[Any], chance: float) -> Any:
        return self.rng.choice(pool) if self.rng.random() < chance else None

    def batch(self, size: int) -> dict[str, list[dict[str, Any]]]:
        """`size` records, by raw table."""
        tables: dict[str, list[dict[str, Any]]] = {
            "segment_events": [],
            "hubspot_contacts": [],
            "shopify_orders": [],
        }
        for _ in range(size):
            self.count += 1
            kind = self.rng.choice(["identify", "identify", "alias", "contact", "order"])
            if kind == "contact":
                # Half of the contacts after the first rewrite an existing one with new values.
                rewrite = self.contacts and self.rng.random() < 0.5
                record_id = self.rng.choice(self.contacts) if rewrite else f"rc-{self.count}"
                self.contacts.append(record_id)
                tables["hubspot_contacts"].append(
                    hubspot_contact(record_id, email=self._maybe(EMAILS, 0.8), phone=self._maybe(PHONES, 0.6))
                )
            elif kind == "order":
                tables["shopify_orders"].append(
                    shopify_order(
                        9000 + self.count,
                        customer_id=self._maybe(SHOP_CUSTOMERS, 0.5),
                        email=self._maybe(EMAILS, 0.7),
                        phone=self._maybe(PHONES, 0.4),
                    )
                )
            else:
                previous = self.rng.choice(ANONYMOUS_IDS + USER_IDS) if kind == "alias" else None
                tables["segment_events"].append(
                    segment_event(
                        f"rm-{self.count}",
                        "alias" if kind == "alias" else "identify",
                        anonymous_id=self.rng.choice(ANONYMOUS_IDS),
                        user_id=self._maybe(USER_IDS, 0.8 if kind == "alias" else 0.4),
                        previous_id=previous,
                        email=self._maybe(EMAILS, 0.5),
                        phone=self._maybe(PHONES, 0.3),
                    )
                )
        return {table: rows for table, rows in tables.items() if rows}


class CustomerLabels:
    """Names each customer id by the build it first appeared in and the smallest identifier it then held.

    A new customer's id is salted with the time of the build that made it, so twin warehouses give their
    new customers different ids; the labels are comparable, and still tell a kept id from a new one.
    """

    def __init__(self) -> None:
        self.labels: dict[str, tuple[int, tuple[str, str]]] = {}

    def relabel(self, build: int, assignments: dict[tuple[str, str], str]) -> dict[tuple[str, str], Any]:
        """`assignments` with every customer id replaced by its label."""
        for identifier, customer_id in sorted(assignments.items()):
            self.labels.setdefault(customer_id, (build, identifier))
        return {identifier: self.labels[customer_id] for identifier, customer_id in assignments.items()}


def _land(worlds: tuple[Warehouse, Warehouse], batch: dict[str, list[dict[str, Any]]]) -> None:
    for world in worlds:
        for table, rows in batch.items():
            world.insert(table, rows)


@pytest.fixture(scope="module")
def builds(new_warehouse) -> list[dict[str, Any]]:
    """After every build: both graphs, both customers per identifier, and the limited build's scope."""
    limited, whole = new_warehouse("random_limited"), new_warehouse("random_whole")
    records = RandomRecords(SEED)
    labels = {"limited": CustomerLabels(), "whole": CustomerLabels()}
    results = []
    for number, size in enumerate((FIRST_LOAD, *LATER_LOADS)):
        _land((limited, whole), records.batch(size))
        limited.build(command="run")
        whole.build(command="run", dbt_vars=WHOLE_GRAPH)
        results.append(
            {
                "limited": limited.graph(),
                "whole": whole.graph(),
                "customers_limited": labels["limited"].relabel(number, limited.assignments()),
                "customers_whole": labels["whole"].relabel(number, whole.assignments()),
                "scope": limited.count("int_identity_graph_scope"),
                "nodes": limited.count("int_identity_nodes"),
                "whole_scope": whole.count("int_identity_graph_scope"),
            }
        )
    return results


def test_the_limited_graph_equals_the_whole_graph_after_every_build(builds: list[dict[str, Any]]) -> None:
    for number, build in enumerate(builds):
        assert build["limited"] == build["whole"], f"build {number}"
        assert build["customers_limited"] == build["customers_whole"], f"build {number}"


def test_the_later_builds_were_limited_and_the_twin_was_not(builds: list[dict[str, Any]]) -> None:
    later = builds[1:]
    assert all(build["scope"] > 0 for build in later)
    assert any(build["scope"] < build["nodes"] for build in later)
    assert all(build["whole_scope"] == 0 for build in builds)


def test_the_random_data_exercises_the_guards(builds: list[dict[str, Any]]) -> None:
    last = builds[-1]["whole"]
    # Some components broke a per-type limit, and some edges were dropped for it.
    assert last["limits"]
    assert any(rule == "type_limit" for *_, rule in last["resolved_edges"])
