"""The identity guards' per-type identifier limits, read from the dbt project so checks and guards agree.

The limits are the `identity_type_limits` dbt var: its value in `dbt_project.yml` when set there (under the
project's name or globally), else the default written in `macros/identity_guards/identity_config.sql`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from cdp.project_vars import project_var

_MACRO = Path("macros") / "identity_guards" / "identity_config.sql"
_DEFAULT = re.compile(r"var\(\s*'identity_type_limits'\s*,\s*(\{.*?\})\s*\)", re.DOTALL)


def identity_type_limits(project_dir: Path) -> dict[str, int]:
    """Identifier type -> most identifiers of that type one customer may hold."""
    configured = project_var(project_dir, "identity_type_limits")
    if configured:
        return {str(k): int(v) for k, v in configured.items()}
    macro_path = project_dir / _MACRO
    match = _DEFAULT.search(macro_path.read_text(encoding="utf-8"))
    if match is None:
        raise ValueError(f"{macro_path}: cannot find the default of var('identity_type_limits', {{...}})")
    return {str(k): int(v) for k, v in ast.literal_eval(match.group(1)).items()}
