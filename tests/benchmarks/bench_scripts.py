"""Import a script of benchmarks/ as a module (each puts its own folder on sys.path for its helpers)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH_DIR = Path(__file__).resolve().parents[2] / "benchmarks"


def load_bench_script(name: str) -> ModuleType:
    """benchmarks/<name>.py, imported under the name `tessera_<name>`."""
    spec = importlib.util.spec_from_file_location(f"tessera_{name}", BENCH_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
