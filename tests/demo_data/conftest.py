"""A small generated data folder shared by the demo-data tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdp.demo_data import DemoDataSummary, generate_demo_data


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> tuple[Path, DemoDataSummary]:
    out = tmp_path_factory.mktemp("demo") / "data"
    return out, generate_demo_data(out, 400, seed=7)
