"""Shopify Admin REST orders export (`shopify/*.json`, `{"orders": [...]}`) -> `raw.shopify_orders`."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from ingest import checks
from ingest.base import Field, FileContext, SourceLoader, Target
from ingest.readers import ReadResult, read_document
from ingest.schema import RAW_TABLES

_TEXT_PATHS = {
    **{
        c: f"$.{c}"
        for c in (
            "id",
            "email",
            "phone",
            "created_at",
            "updated_at",
            "currency",
            "total_price",
            "financial_status",
            "cancelled_at",
        )
    },
    "customer_id": "$.customer.id",
    "customer_email": "$.customer.email",
    "customer_phone": "$.customer.phone",
    "customer_first_name": "$.customer.first_name",
    "customer_last_name": "$.customer.last_name",
}


class ShopifyLoader(SourceLoader):
    """One row per order; line items and the billing address stay JSON for staging."""

    source = "shopify"
    extensions = (".json",)
    target = Target(
        RAW_TABLES["shopify_orders"],
        [Field(c, p) for c, p in _TEXT_PATHS.items()]
        + [
            Field("billing_address", "$.billing_address", "json"),
            Field("line_items", "$.line_items", "json"),
        ],
        [
            checks.integer("id", "id"),
            checks.timestamp("created_at", "created_at"),
            checks.numeric("total_price", "total_price"),
        ],
    )

    def read(self, con: duckdb.DuckDBPyConnection, ctx: FileContext) -> ReadResult:
        return read_document(con, ctx.file.path, ["orders"])

    def targets(self, read: ReadResult, ctx: FileContext) -> Sequence[Target]:
        return [self.target]
