"""HubSpot contacts export (`hubspot/*.csv`) -> `raw.hubspot_contacts`; extra columns stay in `_record`."""

from __future__ import annotations

from typing import ClassVar

from ingest import checks
from ingest.schema import RAW_TABLES
from ingest.sources._csv import CsvLoader


class HubspotLoader(CsvLoader):
    """Only `Record ID` is required; headers match ignoring case."""

    source = "hubspot"
    table = RAW_TABLES["hubspot_contacts"]
    header: ClassVar[dict[str, str]] = {
        "record_id": "Record ID",
        "first_name": "First Name",
        "last_name": "Last Name",
        "email": "Email",
        "phone_number": "Phone Number",
        "create_date": "Create Date",
        "lifecycle_stage": "Lifecycle Stage",
        # Not in the contract, but HubSpot's standard property: it tells how to read national phone numbers.
        "country": "Country/Region",
    }
    required_columns = frozenset({"Record ID"})
    quiet_columns = frozenset({"Country/Region"})
    checks = (checks.required("record_id", "Record ID"),)
