"""Fixtures for the identity tests: a temp warehouse per module."""

from __future__ import annotations

from pathlib import Path

import pytest
from identity_warehouse import Warehouse


@pytest.fixture(scope="module")
def new_warehouse(tmp_path_factory: pytest.TempPathFactory):
    """A factory of empty warehouses (raw schema only) under a module-scoped temp folder."""
    base: Path = tmp_path_factory.mktemp("identity")

    def make(name: str) -> Warehouse:
        return Warehouse.create(base / name)

    return make
