"""Blocking checks on the identity outputs and the profiles, the tables every sync reads from.

`customer_identifiers`: every identifier in exactly one customer, emails normalised, phones E.164, no
customer above the identity guards' per-type limits. `customer_profiles` (and `customer_traits`): one row per
customer, money never negative. A failure stops every sync of the run (syncs depend on both assets).
"""

from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetChecksDefinition, AssetKey, asset_check

from orchestration.checks.ge_runner import run_suite
from orchestration.checks.limits import identity_type_limits
from orchestration.checks.results import check_result
from orchestration.project import dbt_project
from orchestration.resources import WAREHOUSE_POOL, TesseraWarehouse

CUSTOMER_IDENTIFIERS = AssetKey(["customer_identifiers"])
CUSTOMER_PROFILES = AssetKey(["customer_profiles"])
#: Models holding one row per customer with traits; `customer_traits` feeds `customer_profiles`.
PROFILE_MODELS = ("customer_profiles", "customer_traits")
#: Assets every sync depends on, so their blocking checks guard activation.
GUARDED_ASSETS = (CUSTOMER_IDENTIFIERS, CUSTOMER_PROFILES)


@asset_check(
    asset=CUSTOMER_IDENTIFIERS,
    name="ge_identity_quality",
    blocking=True,
    pool=WAREHOUSE_POOL,
    description=(
        "Great Expectations suites identity_identifiers, identity_emails, identity_phones and "
        "identity_limits: each identifier in one customer, emails normalised, phones E.164, no customer "
        "above the identity guards' per-type limits."
    ),
)
def identity_quality(context: AssetCheckExecutionContext, warehouse: TesseraWarehouse) -> AssetCheckResult:
    limits = identity_type_limits(dbt_project.project_dir)
    parameters = {f"limit_{identifier_type}": limit for identifier_type, limit in limits.items()}
    with warehouse.read_only() as con:
        outcomes = [
            run_suite(con, "identity_identifiers"),
            run_suite(con, "identity_emails"),
            run_suite(con, "identity_phones"),
            run_suite(con, "identity_limits", parameters=parameters),
        ]
    return check_result(outcomes, extra_metadata={"identifier_limits": limits})


def _profile_check(model: str) -> AssetChecksDefinition:
    @asset_check(
        asset=AssetKey([model]),
        name="ge_profiles_quality",
        blocking=True,
        pool=WAREHOUSE_POOL,
        description=(
            f"Great Expectations suite profiles on `{model}`: one row per customer; lifetime revenue, order "
            "counts and average order value never negative."
        ),
    )
    def _check(context: AssetCheckExecutionContext, warehouse: TesseraWarehouse) -> AssetCheckResult:
        with warehouse.read_only() as con:
            return check_result([run_suite(con, "profiles", placeholders={"relation": f'"main"."{model}"'})])

    return _check


def identity_checks(model_names: set[str]) -> list[AssetChecksDefinition]:
    """The identity check, and a profiles check for each profile model the dbt project has."""
    return [identity_quality, *(_profile_check(m) for m in PROFILE_MODELS if m in model_names)]
