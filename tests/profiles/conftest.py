"""The profile tests share the audience tests' warehouse helper (tests/segments/audience_warehouse.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "segments"))
