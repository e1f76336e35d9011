"""Fixtures of the dbt staging tests (defined in staging_harness.py)."""

from staging_harness import dbt_harness, empty_warehouse, normalisers, staged

__all__ = ["dbt_harness", "empty_warehouse", "normalisers", "staged"]
