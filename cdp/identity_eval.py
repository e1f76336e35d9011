"""Pairwise accuracy of identity resolution against a truth file (`cdp eval identity --truth FILE`).

Scoring follows CONTRACTS.md "Truth file": every identifier that belongs to exactly one person in truth is a
pair member; two members form a true pair when truth gives them the same person and a predicted pair when
`customer_identifiers` gives them the same customer. An identifier shared by several people (a family tablet,
a store's email) is not a pair member, but a merge made through it still puts other identifiers of different
people in one customer, which counts against precision. Truth identifiers missing from `customer_identifiers`
(rejected, or never seen) are singleton customers: they cost recall. Identifiers we output that truth does
not know are ignored.

Pair counts come from combinatorics on (customer, person) groups in DuckDB, never by enumerating pairs.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

TRUTH_COLUMNS = ("identifier_type", "identifier_value", "person_id")


class TruthFileError(ValueError):
    """The truth file is missing, unreadable or has a bad row (the message names file, row and field)."""


@dataclass(frozen=True)
class ClusterIdentifier:
    """One identifier of an over-merged customer and the person truth gives it."""

    identifier_type: str
    identifier_value: str
    person_id: str


@dataclass(frozen=True)
class OverMergedCluster:
    """A customer that holds identifiers of several people, with the wrong pairs it makes."""

    customer_id: str
    persons: int
    false_positive_pairs: int
    identifiers: list[ClusterIdentifier] = field(default_factory=list)


@dataclass(frozen=True)
class IdentityEvaluation:
    """Pairwise precision / recall / F1 and the counts behind them."""

    precision: float
    recall: float
    f1: float
    customers: int
    people: int
    identifiers_scored: int
    identifiers_missing: int
    shared_identifiers: int
    true_positive_pairs: int
    false_positive_pairs: int
    false_negative_pairs: int
    worst_clusters: list[OverMergedCluster] = field(default_factory=list)


def read_truth(truth_path: Path) -> list[tuple[str, str, str]]:
    """Read and validate the truth CSV; values are normalised (trimmed, emails lower-cased)."""
    if not truth_path.is_file():
        raise TruthFileError(f"{truth_path}: truth file not found")
    rows: list[tuple[str, str, str]] = []
    with truth_path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in TRUTH_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise TruthFileError(f"{truth_path}: header lacks column(s) {', '.join(missing)}")
        for line_number, record in enumerate(reader, start=2):
            values = [(record.get(column) or "").strip() for column in TRUTH_COLUMNS]
            for column, value in zip(TRUTH_COLUMNS, values, strict=True):
                if not value:
                    raise TruthFileError(f"{truth_path}: row {line_number}: field '{column}' is empty")
            identifier_type, identifier_value, person_id = values
            if identifier_type == "email":
                identifier_value = identifier_value.lower()
            rows.append((identifier_type, identifier_value, person_id))
    return rows


_SCORED_SQL = """
create temp table scored as
with truth_distinct as (
    select distinct identifier_type, identifier_value, person_id from truth
),
owners as (
    select identifier_type, identifier_value, count(*) as person_count, min(person_id) as person_id
    from truth_distinct
    group by identifier_type, identifier_value
)
select
    owners.identifier_type,
    owners.identifier_value,
    owners.person_id,
    predicted.customer_id is null as is_missing,
    coalesce(predicted.customer_id, 'missing:' || owners.identifier_type || ':' || owners.identifier_value)
        as cluster_id
from owners
left join predicted
    on predicted.identifier_type = owners.identifier_type
    and predicted.identifier_value = owners.identifier_value
where owners.person_count = 1
"""

_PAIRS_SQL = """
with cluster_sizes as (select cluster_id, count(*) as n from scored group by cluster_id),
person_sizes as (select person_id, count(*) as n from scored group by person_id),
group_sizes as (select cluster_id, person_id, count(*) as n from scored group by cluster_id, person_id)
select
    (select coalesce(sum(n * (n - 1) // 2), 0) from cluster_sizes) as predicted_pairs,
    (select coalesce(sum(n * (n - 1) // 2), 0) from person_sizes) as true_pairs,
    (select coalesce(sum(n * (n - 1) // 2), 0) from group_sizes) as true_positive_pairs,
    (select count(distinct cluster_id) from scored) as customers,
    (select count(distinct person_id) from truth) as people,
    (select count(*) from scored) as identifiers_scored,
    (select count(*) from scored where is_missing) as identifiers_missing,
    (select count(*) from (
        select identifier_type, identifier_value from truth
        group by identifier_type, identifier_value having count(distinct person_id) > 1
    ) as shared) as shared_identifiers
"""

_WORST_SQL = """
with group_sizes as (
    select cluster_id, person_id, count(*) as n
    from scored
    where not is_missing
    group by cluster_id, person_id
),
clusters as (
    select
        cluster_id,
        count(*) as persons,
        sum(n) * (sum(n) - 1) // 2 - sum(n * (n - 1) // 2) as false_positive_pairs
    from group_sizes
    group by cluster_id
    having count(*) > 1
)
select cluster_id, persons, false_positive_pairs
from clusters
order by false_positive_pairs desc, persons desc, cluster_id
limit ?
"""


def open_warehouse(db_path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse, or a plain one when this process already holds it open.

    DuckDB refuses a second connection with a different configuration inside one process (dbt run
    in-process keeps its own), so the read-only wish yields to the existing connection.
    """
    if not Path(db_path).is_file():
        raise FileNotFoundError(f"{db_path}: warehouse not found (run `cdp build` first)")
    try:
        return duckdb.connect(str(db_path), read_only=True)
    except duckdb.ConnectionException:
        return duckdb.connect(str(db_path))


def _ratio(numerator: int, denominator: int) -> float:
    # With nothing to get wrong (no pairs predicted or expected) the score is perfect, not undefined.
    return 1.0 if denominator == 0 else numerator / denominator


def evaluate_identity(db_path: Path, truth_path: Path, worst: int = 5) -> IdentityEvaluation:
    """Score `customer_identifiers` in the warehouse at `db_path` against the truth CSV at `truth_path`.

    Returns pairwise precision, recall and F1, customer and person counts, pair counts, and the `worst`
    over-merged customers (most wrong pairs first) with their identifiers and true persons.
    """
    truth_rows = read_truth(truth_path)
    if not truth_rows:
        raise TruthFileError(f"{truth_path}: no identifier rows after the header; nothing to score")
    con = open_warehouse(db_path)
    try:
        con.execute(
            "create temp table truth (identifier_type varchar, identifier_value varchar, person_id varchar)"
        )
        con.executemany("insert into truth values (?, ?, ?)", truth_rows)
        con.execute(
            "create temp table predicted as "
            "select distinct customer_id, identifier_type, identifier_value from main.customer_identifiers"
        )
        con.execute(_SCORED_SQL)
        (
            predicted_pairs,
            true_pairs,
            true_positive_pairs,
            customers,
            people,
            identifiers_scored,
            identifiers_missing,
            shared_identifiers,
        ) = (int(v) for v in con.execute(_PAIRS_SQL).fetchone())
        worst_clusters = [
            OverMergedCluster(
                customer_id=cluster_id,
                persons=int(persons),
                false_positive_pairs=int(false_pairs),
                identifiers=[
                    ClusterIdentifier(*row)
                    for row in con.execute(
                        "select identifier_type, identifier_value, person_id from scored "
                        "where cluster_id = ? order by person_id, identifier_type, identifier_value",
                        [cluster_id],
                    ).fetchall()
                ],
            )
            for cluster_id, persons, false_pairs in con.execute(_WORST_SQL, [worst]).fetchall()
        ]
    finally:
        con.close()
    precision = _ratio(true_positive_pairs, predicted_pairs)
    recall = _ratio(true_positive_pairs, true_pairs)
    f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    return IdentityEvaluation(
        precision=precision,
        recall=recall,
        f1=f1,
        customers=customers,
        people=people,
        identifiers_scored=identifiers_scored,
        identifiers_missing=identifiers_missing,
        shared_identifiers=shared_identifiers,
        true_positive_pairs=true_positive_pairs,
        false_positive_pairs=predicted_pairs - true_positive_pairs,
        false_negative_pairs=true_pairs - true_positive_pairs,
        worst_clusters=worst_clusters,
    )


def format_evaluation(evaluation: IdentityEvaluation, *, show_pii: bool = False) -> str:
    """Human-readable report of an evaluation, for the CLI; emails and phones masked unless `show_pii`."""
    from cdp.profile_view import shown_identifier

    lines = [
        f"precision  {evaluation.precision:.4f}  ({evaluation.true_positive_pairs} true / "
        f"{evaluation.false_positive_pairs} false pairs)",
        f"recall     {evaluation.recall:.4f}  ({evaluation.false_negative_pairs} pairs missed)",
        f"f1         {evaluation.f1:.4f}",
        f"customers  {evaluation.customers}   people {evaluation.people}",
        f"identifiers scored {evaluation.identifiers_scored} (missing from customers: "
        f"{evaluation.identifiers_missing}; shared in truth, not scored: {evaluation.shared_identifiers})",
    ]
    for cluster in evaluation.worst_clusters:
        lines.append(
            f"over-merged {cluster.customer_id}: {cluster.persons} people, "
            f"{cluster.false_positive_pairs} false pairs"
        )
        for i in cluster.identifiers:
            value = shown_identifier(i.identifier_type, i.identifier_value, show_pii)
            lines.append(f"    {i.person_id}  {i.identifier_type}={value}")
    return "\n".join(lines)
