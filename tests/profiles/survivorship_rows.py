"""What the incremental survivorship tests compare with a full refresh, and the people they use."""

from __future__ import annotations

ANN, BOB, CAT, DAN, EVE = "ann@x.test", "bob@x.test", "cat@x.test", "dan@x.test", "eve@x.test"
#: Every survived attribute (the stamps differ between incremental and full builds, so they are left out).
SURVIVED = (
    "select customer_id, attribute, value, source, updated_at, candidate_count"
    " from main.int_profile_attributes_survived order by all"
)
#: Every golden record, without its stamps.
GOLDEN = (
    "select * exclude (_resolved_through, _settings_signature)"
    " from main.int_customer_golden_records order by all"
)
