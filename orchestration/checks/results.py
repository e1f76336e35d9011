"""Turning suite outcomes into Dagster asset check results the UI explains."""

from __future__ import annotations

from collections.abc import Sequence

from dagster import AssetCheckResult, AssetCheckSeverity, AssetKey, MetadataValue

from orchestration.checks.ge_runner import SuiteOutcome


def check_result(
    outcomes: Sequence[SuiteOutcome],
    *,
    asset_key: AssetKey | None = None,
    check_name: str | None = None,
    extra_metadata: dict[str, object] | None = None,
) -> AssetCheckResult:
    """Passed when no expectation failed; ERROR severity (blocking) when a critical one did, else WARN."""
    critical = [f"[{o.suite}] {m}" for o in outcomes for m in o.critical_failures]
    warnings = [f"[{o.suite}] {m}" for o in outcomes for m in o.warnings]
    skipped = [f"[{o.suite}] {m}" for o in outcomes for m in o.skipped]
    metadata: dict[str, object] = {
        "suites": ", ".join(o.suite for o in outcomes),
        "rows_validated": sum(o.rows for o in outcomes),
        "expectations_evaluated": sum(o.evaluated for o in outcomes),
        **(extra_metadata or {}),
    }
    if critical:
        metadata["failed_critical"] = MetadataValue.md("\n".join(f"- {m}" for m in critical))
    if warnings:
        metadata["failed_warning"] = MetadataValue.md("\n".join(f"- {m}" for m in warnings))
    if skipped:
        metadata["skipped"] = MetadataValue.md("\n".join(f"- {m}" for m in skipped))
    if critical:
        description = f"{len(critical)} critical expectation(s) failed: {critical[0]}"
    elif warnings:
        description = f"{len(warnings)} warning expectation(s) failed: {warnings[0]}"
    else:
        description = f"all {metadata['expectations_evaluated']} expectations passed"
    return AssetCheckResult(
        passed=not critical and not warnings,
        asset_key=asset_key,
        check_name=check_name,
        severity=AssetCheckSeverity.ERROR if critical else AssetCheckSeverity.WARN,
        description=description,
        metadata=metadata,
    )
