"""Shared helpers of the orchestration tests (imported by conftest and tests)."""

from __future__ import annotations

import shutil
from pathlib import Path

from cdp.settings import REPO_ROOT

SAMPLE_DIR = REPO_ROOT / "data" / "sample"
INSTANCE_YAML = REPO_ROOT / "orchestration" / "dagster.yaml"
SYNCS_YML = """\
syncs:
  - name: profiles_to_file
    source: customer_profiles
    mode: mirror
    primary_key: customer_id
    schedule: "30 4 * * *"
    fields: {email: primary_email}
    destination:
      type: file
      path: exports/{sync}.csv
  - name: traits_to_file
    source: main.customer_traits
    mode: upsert
    primary_key: customer_id
    destination:
      type: file
      path: exports/{sync}.jsonl
"""


def _has_inputs(folder: Path) -> bool:
    return folder.is_dir() and any(p.is_file() and not p.name.startswith(".") for p in folder.rglob("*"))


def write_syncs_file(folder: Path) -> Path:
    """The fixture syncs.yml (two file syncs, one scheduled) in `folder`."""
    path = folder / "syncs.yml"
    path.write_text(SYNCS_YML, encoding="utf-8")
    return path


def make_dagster_home(folder: Path) -> Path:
    """A Dagster home with Tessera's instance settings (run queue limit, warehouse pool)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(INSTANCE_YAML, folder / "dagster.yaml")
    return folder
