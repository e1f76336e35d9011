"""The `cdp` command line: parse, call, print. Logic lives in the packages it calls."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cdp.console import CdpError, fail
from cdp.settings import Settings

app = typer.Typer(
    name="cdp",
    help="Tessera: one trusted profile per customer, SQL audiences, synced to your tools.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

DbOption = Annotated[
    Path | None, typer.Option("--db", help="DuckDB warehouse file [default: data/warehouse.duckdb]")
]
DataDirOption = Annotated[
    Path | None, typer.Option("--data-dir", help="Input folder in the contract layout [default: data/sample]")
]
ProjectDirOption = Annotated[Path | None, typer.Option("--project-dir", help="dbt project folder")]
TargetOption = Annotated[str, typer.Option("--target", help="Engine: duckdb | postgres | spark")]
VarsOption = Annotated[
    str | None,
    typer.Option("--vars", help="dbt vars for this build (YAML or JSON): '{as_of: now}'", metavar="<yaml>"),
]


def _settings(
    db: Path | None = None, data_dir: Path | None = None, project_dir: Path | None = None
) -> Settings:
    return Settings().with_overrides(db_path=db, data_dir=data_dir, dbt_project_dir=project_dir)


@app.command()
def load(
    db: DbOption = None,
    data_dir: DataDirOption = None,
    target: TargetOption = "duckdb",
    rehash: Annotated[
        bool,
        typer.Option(
            "--rehash",
            help="Hash every file to spot changed content, even when its size and modification time "
            "match the manifest",
        ),
    ] = False,
) -> None:
    """Land raw files into the DuckDB `raw` schema (already-loaded files are skipped), then onto --target."""
    from cdp.loading import load_inputs, print_load_report

    settings = _settings(db, data_dir)
    try:
        report = load_inputs(settings, target, rehash=rehash)
    except CdpError as exc:
        raise fail(str(exc)) from exc
    print_load_report(report)


@app.command()
def build(
    db: DbOption = None,
    project_dir: ProjectDirOption = None,
    select: Annotated[str | None, typer.Option("--select", "-s", help="dbt node selection")] = None,
    target: TargetOption = "duckdb",
    full_refresh: Annotated[bool, typer.Option("--full-refresh", help="Rebuild incremental models")] = False,
    unit_tests: Annotated[
        bool, typer.Option("--unit-tests", help="Run dbt's unit tests too (they check SQL, not data)")
    ] = False,
    dbt_vars: VarsOption = None,
) -> None:
    """`dbt build` of the project (models and their data tests) with the right profile."""
    from cdp.build import build_project, print_build
    from cdp.dbt_runner import parse_vars

    settings = _settings(db, project_dir=project_dir)
    try:
        outcome = build_project(
            project_dir=settings.dbt_project_dir,
            db_path=settings.db_path,
            target=target,
            select=select,
            full_refresh=full_refresh,
            threads=settings.dbt_threads,
            unit_tests=unit_tests,
            dbt_vars=parse_vars(dbt_vars) if dbt_vars is not None else None,
        )
    except CdpError as exc:
        raise fail(str(exc)) from exc
    print_build(outcome)


@app.command()
def run(
    db: DbOption = None,
    data_dir: DataDirOption = None,
    project_dir: ProjectDirOption = None,
    target: TargetOption = "duckdb",
    no_sync: Annotated[bool, typer.Option("--no-sync", help="Stop after the build")] = False,
    dbt_vars: VarsOption = None,
) -> None:
    """Load, build and sync, end to end (on the bundled sample data by default)."""
    from cdp.dbt_runner import parse_vars
    from cdp.pipeline import run_pipeline

    settings = _settings(db, data_dir, project_dir)
    try:
        parsed_vars = parse_vars(dbt_vars) if dbt_vars is not None else None
        run_pipeline(settings, target=target, sync=not no_sync, dbt_vars=parsed_vars)
    except CdpError as exc:
        raise fail(str(exc)) from exc


@app.command()
def sync(
    names: Annotated[
        list[str] | None,
        typer.Argument(
            help="Syncs to run (default: all); or `status`, or `rejections NAME`", show_default=False
        ),
    ] = None,
    db: DbOption = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="Sync configuration [default: syncs.yml]")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the plan and a sample; change nothing")
    ] = False,
    full_resync: Annotated[bool, typer.Option("--full-resync", help="Send every row again")] = False,
    limit: Annotated[int, typer.Option("--limit", help="Rows shown by status / rejections")] = 20,
) -> None:
    """Run reverse-ETL syncs (`cdp sync status`: recent runs; `cdp sync rejections NAME`: refused records)."""
    from cdp.syncing import print_sync_rejections, print_sync_results, print_sync_status, sync_all

    settings = _settings(db)
    names = names or []
    try:
        if names[:1] == ["status"]:
            print_sync_status(settings, limit)
        elif names[:1] == ["rejections"]:
            if len(names) != 2:
                raise CdpError("usage: cdp sync rejections NAME")
            print_sync_rejections(settings, names[1], limit)
        else:
            results = sync_all(
                settings, names or None, config_path=config, dry_run=dry_run, full_resync=full_resync
            )
            print_sync_results(results)
    except CdpError as exc:
        raise fail(str(exc)) from exc


@app.command()
def profile(
    identifier: Annotated[
        str, typer.Argument(help="An email, phone, user id, any identifier or a customer id")
    ],
    db: DbOption = None,
    show_pii: Annotated[
        bool, typer.Option("--show-pii", help="Show emails, phones and names unmasked")
    ] = False,
) -> None:
    """Show a customer's unified profile: identifiers with sources, merges, traits, audiences, timeline."""
    from cdp.profile_view import print_profile

    try:
        print_profile(_settings(db), identifier, show_pii=show_pii)
    except CdpError as exc:
        raise fail(str(exc)) from exc


segments_app = typer.Typer(help="Audiences: list them, inspect one, read its SQL in another dialect.")
app.add_typer(segments_app, name="segments")


@segments_app.command("list")
def segments_list(db: DbOption = None, project_dir: ProjectDirOption = None) -> None:
    """Every audience with its size, change since the last build and owner."""
    from cdp.segments import list_segments
    from cdp.segments_render import print_segment_list

    settings = _settings(db, project_dir=project_dir)
    try:
        print_segment_list(list_segments(settings.db_path, settings.dbt_project_dir))
    except CdpError as exc:
        raise fail(str(exc)) from exc


@segments_app.command("show")
def segments_show(
    name: Annotated[str, typer.Argument(help="Audience (model) name")],
    db: DbOption = None,
    project_dir: ProjectDirOption = None,
    sample: Annotated[int, typer.Option("--sample", help="Members to show")] = 10,
    show_pii: Annotated[
        bool, typer.Option("--show-pii", help="Show members' personal data unmasked")
    ] = False,
) -> None:
    """An audience's definition, SQL, size history and sample members."""
    from cdp.segments import show_segment
    from cdp.segments_render import print_segment_detail

    settings = _settings(db, project_dir=project_dir)
    try:
        detail = show_segment(settings.db_path, settings.dbt_project_dir, name, sample=sample)
    except CdpError as exc:
        raise fail(str(exc)) from exc
    print_segment_detail(detail, show_pii=show_pii)


@segments_app.command("sql")
def segments_sql(
    name: Annotated[str, typer.Argument(help="Audience (model) name")],
    dialect: Annotated[
        str, typer.Option("--dialect", help="snowflake, bigquery, postgres, spark, databricks...")
    ],
    project_dir: ProjectDirOption = None,
) -> None:
    """The audience's compiled SQL, transpiled by sqlglot to another engine's dialect."""
    from cdp.console import console
    from cdp.segments import segment_sql

    settings = _settings(project_dir=project_dir)
    try:
        console.print(segment_sql(settings.dbt_project_dir, name, dialect), markup=False, highlight=False)
    except CdpError as exc:
        raise fail(str(exc)) from exc


privacy_app = typer.Typer(help="GDPR/CCPA access and erasure (docs/privacy.md).", no_args_is_help=True)
app.add_typer(privacy_app, name="privacy")
ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="Sync configuration [default: syncs.yml]")
]


@privacy_app.command("export")
def privacy_export(
    identifier: Annotated[
        str, typer.Argument(help="An email, phone, user id, any identifier or a customer id")
    ],
    db: DbOption = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write the JSON document here")] = None,
) -> None:
    """Everything held about a person, as one JSON document (to --out, else to standard output)."""
    import json

    from privacy import SubjectNotFound, export_person, export_summary

    settings = _settings(db)
    try:
        document = export_person(settings.db_path, identifier, out)
    except SubjectNotFound as exc:
        raise fail(str(exc)) from exc
    if out is None:
        # The person asked for their data: this output is not masked (docs/privacy.md).
        typer.echo(json.dumps(document, indent=2, default=str))
    else:
        from cdp.console import console

        console.print(export_summary(document), markup=False)


@privacy_app.command("forget")
def privacy_forget(
    identifier: Annotated[
        str, typer.Argument(help="An email, phone, user id, any identifier or a customer id")
    ],
    db: DbOption = None,
    config: ConfigOption = None,
    project_dir: ProjectDirOption = None,
) -> None:
    """Erase a person: raw rows, rebuilt marts, every destination they reached; keep a hashed tombstone."""
    from cdp.console import console
    from privacy import forget_person

    settings = _settings(db, project_dir=project_dir)
    config_path = config or (settings.syncs_file if settings.syncs_file.is_file() else None)
    report = forget_person(settings.db_path, identifier, config_path, settings.dbt_project_dir)
    console.print(report.summary(), markup=False)
    if report.status != "done":
        raise fail(f"erasure {report.status}: run the same command again to retry what is left")


@privacy_app.command("verify")
def privacy_verify(
    identifiers: Annotated[
        list[str], typer.Argument(help="The identifier, and any others of the same person")
    ],
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Search the warehouse and readable destinations for a person's identifiers, lower-cased and hashed."""
    from cdp.console import console
    from privacy import verify_person

    settings = _settings(db)
    config_path = config or (settings.syncs_file if settings.syncs_file.is_file() else None)
    report = verify_person(settings.db_path, identifiers[0], config_path, also=identifiers[1:])
    console.print(report.summary(), markup=False)
    if not report.clean:
        raise fail("traces found (listed above)")


eval_app = typer.Typer(help="Measure Tessera's output against a truth file.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


@eval_app.command("identity")
def eval_identity(
    truth: Annotated[Path, typer.Option("--truth", help="CSV identifier_type,identifier_value,person_id")],
    db: DbOption = None,
    worst: Annotated[int, typer.Option("--worst", help="Over-merged clusters to show")] = 5,
    show_pii: Annotated[
        bool, typer.Option("--show-pii", help="Show the over-merged customers' emails and phones unmasked")
    ] = False,
) -> None:
    """Pairwise precision, recall and F1 of identity resolution, and the worst over-merged customers."""
    from cdp.console import console
    from cdp.identity_eval import TruthFileError, evaluate_identity, format_evaluation

    settings = _settings(db)
    if not settings.db_path.is_file():
        raise fail(f"warehouse {settings.db_path} not found: run `cdp run` first")
    try:
        evaluation = evaluate_identity(settings.db_path, truth, worst=worst)
    except (TruthFileError, FileNotFoundError) as exc:
        raise fail(str(exc)) from exc
    console.print(format_evaluation(evaluation, show_pii=show_pii), markup=False)


@app.command("demo-data")
def demo_data(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the inputs and truth.csv to")],
    customers: Annotated[int, typer.Option("--customers", min=1, help="Number of people")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; the same seed gives the same files")] = 42,
    compress: Annotated[bool, typer.Option("--gzip", help="Write .gz files")] = False,
    first_customer: Annotated[
        int,
        typer.Option("--first-customer", min=1, help="Number people from N (new customers for a later load)"),
    ] = 1,
) -> None:
    """Generate realistic synthetic inputs (with a truth file) in the contract's folder layout."""
    from cdp.demo import write_demo_data

    try:
        write_demo_data(out, customers=customers, seed=seed, compress=compress, first_customer=first_customer)
    except CdpError as exc:
        raise fail(str(exc)) from exc


def main() -> None:  # pragma: no cover - console entry point
    """Entry point used by `python -m cdp`."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
