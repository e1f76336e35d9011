"""Reverse ETL: sync warehouse models (audiences, marts) to destinations, incrementally and idempotently.

Public entry points for the CLI and the orchestration:
`run_syncs`, `sync_status`, `sync_rejections`, `load_sync_config`, `format_plan`, and the result types.
"""

from reverse_etl.config import SyncConfig, SyncSpec, load_sync_config
from reverse_etl.errors import SyncConfigError, SyncError
from reverse_etl.planner import Plan, format_plan
from reverse_etl.runner import SyncProgress, SyncResult, run_syncs
from reverse_etl.state import RejectionRow, SyncRunRow, sync_rejections, sync_status

__all__ = [
    "Plan",
    "RejectionRow",
    "SyncConfig",
    "SyncConfigError",
    "SyncError",
    "SyncProgress",
    "SyncResult",
    "SyncRunRow",
    "SyncSpec",
    "format_plan",
    "load_sync_config",
    "run_syncs",
    "sync_rejections",
    "sync_status",
]
