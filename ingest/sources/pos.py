"""Point-of-sale line items (`pos/*.csv`) -> `raw.pos_sales`."""

from __future__ import annotations

from typing import ClassVar

from ingest import checks
from ingest.schema import RAW_TABLES
from ingest.sources._csv import CsvLoader


class PosLoader(CsvLoader):
    """Customer columns may be empty; the sale itself must be complete and typed."""

    source = "pos"
    table = RAW_TABLES["pos_sales"]
    header: ClassVar[dict[str, str]] = {c: c for c in RAW_TABLES["pos_sales"].columns}
    required_columns = frozenset({"transaction_id", "occurred_at", "quantity", "unit_price"})
    checks = (
        checks.required("transaction_id", "transaction_id"),
        checks.timestamp("occurred_at", "occurred_at"),
        checks.integer("quantity", "quantity"),
        checks.numeric("unit_price", "unit_price"),
    )
