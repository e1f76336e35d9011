"""`first_customer`: a second folder of new customers that never reuses the first folder's people or ids."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cdp.demo_data import generate_demo_data

#: Identifier types a source system hands out itself: a collision would merge two different people.
SYSTEM_ID_TYPES = {"crm_id", "shopify_customer_id", "zendesk_user_id", "user_id", "loyalty_id"}


def _truth(folder: Path) -> list[dict[str, str]]:
    with (folder / "truth.csv").open() as f:
        return list(csv.DictReader(f))


def test_second_folder_has_new_people_and_new_ids(tmp_path: Path) -> None:
    generate_demo_data(tmp_path / "base", 60, seed=5)
    generate_demo_data(tmp_path / "later", 40, seed=6, first_customer=61)
    base, later = _truth(tmp_path / "base"), _truth(tmp_path / "later")

    assert not {r["person_id"] for r in base} & {r["person_id"] for r in later}
    system_ids = [
        {
            (r["identifier_type"], r["identifier_value"])
            for r in rows
            if r["identifier_type"] in SYSTEM_ID_TYPES
        }
        for rows in (base, later)
    ]
    assert system_ids[0] and system_ids[1]
    assert not system_ids[0] & system_ids[1]


def test_first_customer_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="first_customer must be at least 1"):
        generate_demo_data(tmp_path, 5, seed=1, first_customer=0)
