"""Dagster orchestration of Tessera: files -> raw -> dbt (staging, identity, marts, audiences) -> syncs.

Load the definitions with `dagster dev -m orchestration.definitions`; see docs/orchestration.md.
"""
