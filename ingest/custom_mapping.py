"""The YAML mapping of a custom source (`custom/<name>.yml`), validated with pydantic.

```yaml
primary_key: member_id          # required: column that identifies a record
occurred_at: updated_at         # optional timestamp column
identifiers:                    # identifier type -> column
  email: email_address
  loyalty_id: member_id
attributes:                     # attribute name -> column; first_name / last_name fill those raw columns
  first_name: given_name
  tier: tier
records_key: members            # optional, JSON documents only: the key holding the array of records
```
Errors name the file, the key and the fix, e.g.
`custom/members.yml: key 'identifiers.emial': not allowed. Fix: use one of email, phone, user_id, ...`.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator


class IdentifierType(StrEnum):
    """Identifier types a custom source may map (the others are specific to built-in sources)."""

    email = "email"
    phone = "phone"
    user_id = "user_id"
    crm_id = "crm_id"
    loyalty_id = "loyalty_id"


class CustomMapping(BaseModel):
    """How a custom file's columns map onto `raw.custom_records`."""

    model_config = ConfigDict(extra="forbid")

    primary_key: str
    occurred_at: str | None = None
    identifiers: dict[IdentifierType, str] = {}
    attributes: dict[str, str] = {}
    records_key: str | None = None

    @field_validator("primary_key", "occurred_at", "records_key")
    @classmethod
    def _not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must be a column name, not blank")
        return value


_FIXES = {
    "missing": "add it, e.g. `primary_key: id`",
    "extra_forbidden": "remove it or fix its spelling; allowed keys: "
    + ", ".join(CustomMapping.model_fields),
    "enum": "use one of " + ", ".join(t.value for t in IdentifierType),
    "string_type": "give a column name as text",
    "dict_type": "give a mapping of name: column",
}


class MappingError(ValueError):
    """A mapping file that cannot be used; the message names the file, the key and the fix."""


def load_mapping(path: Path, display_path: str) -> CustomMapping:
    """Parse and validate a mapping file; raise `MappingError` with a one-line explanation."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None)
        detail = f" ({problem})" if problem else ""
        fix = "Fix: check indentation, brackets and quoting"
        raise MappingError(f"{display_path}: invalid YAML{where}{detail}. {fix}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(f"{display_path}: cannot read ({exc})") from exc
    if not isinstance(document, dict):
        raise MappingError(
            f"{display_path}: expected a mapping of keys. Fix: start with `primary_key: <column>`"
        )
    try:
        return CustomMapping.model_validate(document)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            key = ".".join(str(part) for part in error["loc"] if part != "[key]")
            fix = _FIXES.get(error["type"], "see the mapping format in ingest/custom_mapping.py")
            problems.append(f"key '{key}': {error['msg']}. Fix: {fix}")
        raise MappingError(f"{display_path}: " + "; ".join(problems)) from exc
