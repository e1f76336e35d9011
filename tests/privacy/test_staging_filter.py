"""Every staging model that carries identifiers applies the tombstone filter to all of them."""

from __future__ import annotations

import re

import yaml
from privacy_helpers import PROJECT_DIR

STAGING = PROJECT_DIR / "models" / "staging"
#: Identifier columns per staging model (docs/architecture.md), each of which must be filtered.
IDENTIFIER_COLUMNS = {
    "stg_segment__events": {"user_id", "anonymous_id", "previous_id", "device_id", "email", "phone"},
    "stg_shopify__orders": {"shopify_customer_id", "email", "phone"},
    "stg_hubspot__contacts": {"crm_id", "email", "phone"},
    "stg_pos__sale_lines": {"loyalty_id", "email", "phone"},
    "stg_esp__email_events": {"email"},
    "stg_zendesk__tickets": {"zendesk_user_id"},
    "stg_zendesk__users": {"zendesk_user_id", "email", "phone"},
    "stg_nps__responses": {"email"},
    "stg_consent__events": {"email", "user_id"},
    "stg_custom__records": {"email", "phone", "user_id", "crm_id", "loyalty_id"},
}
_CALL = re.compile(r"not_tombstoned\((\{.*?\})\)", re.DOTALL)


def test_every_identifier_column_is_filtered() -> None:
    seen = set()
    for path in sorted(STAGING.rglob("stg_*.sql")):
        calls = _CALL.findall(path.read_text(encoding="utf-8"))
        if path.stem == "stg_shopify__order_lines":  # reads stg_shopify__orders: filtered there
            assert not calls
            continue
        assert len(calls) == 1, f"{path.name}: expected one not_tombstoned call in the final CTE"
        columns = yaml.safe_load(calls[0])
        assert set(columns) == IDENTIFIER_COLUMNS[path.stem], path.name
        seen.add(path.stem)
    assert seen == set(IDENTIFIER_COLUMNS)
