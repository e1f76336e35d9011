"""Rich output for `cdp segments list/show` and the profile part of `cdp profile`; the CLI calls these.

Personal values (emails, phones, names, addresses, free text) are masked unless `show_pii` is set.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table

from cdp.console import console
from cdp.segments import AudienceProblem, SegmentDetail, SegmentSummary
from cdp.segments_profile import ProfileDetails
from reverse_etl.masking import mask_fields, mask_text


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _personal(name: str, value: Any, show_pii: bool) -> str:
    """`value` of field `name`, masked when it looks personal and `show_pii` is off."""
    if show_pii or value is None:
        return _text(value)
    if isinstance(value, list | tuple):
        return ", ".join(_personal(name, v, show_pii) for v in value)
    return _text(mask_fields({name: value})[name])


def _change(value: int | None) -> str:
    return "" if value is None else f"{value:+d}"


def segment_list_table(summaries: list[SegmentSummary]) -> Table:
    """Name, size, change since the previous build, entered/exited, owner, consent."""
    table = Table(title="Audiences", title_justify="left")
    # Names never truncate: they are what users pass back to `cdp segments show NAME`.
    table.add_column("name", no_wrap=True, min_width=max((len(s.name) for s in summaries), default=4))
    for column in ("size", "change", "entered", "exited", "owner", "consent", "built"):
        numeric = column in ("size", "change", "entered", "exited")
        table.add_column(column, justify="right" if numeric else "left")
    for s in summaries:
        size = "not built" if s.size is None else str(s.size)
        built = s.built_at.strftime("%Y-%m-%d %H:%M") if s.built_at else ""
        table.add_row(
            s.name,
            size,
            _change(s.change),
            _text(s.entered),
            _text(s.exited),
            _text(s.owner),
            s.consent_purpose or "none",
            built,
        )
    return table


def print_segment_list(summaries: list[SegmentSummary]) -> None:
    """Print `cdp segments list`."""
    console.print(segment_list_table(summaries))


def print_segment_detail(detail: SegmentDetail, *, show_pii: bool = False) -> None:
    """Print `cdp segments show NAME`: description and meta, SQL, size history, sample members."""
    s = detail.summary
    console.print(f"[bold]{s.name}[/]  ({detail.file_path})")
    console.print(s.description)
    holdout = f", holdout {s.holdout_pct}%" if s.holdout_pct else ""
    console.print(f"owner: {_text(s.owner)}, consent: {s.consent_purpose or 'none'}{holdout}")
    console.print()
    console.print(detail.sql.rstrip(), markup=False, highlight=False)
    history = Table(title="Size by build", title_justify="left")
    for column in ("built at", "size", "holdout", "entered", "exited"):
        history.add_column(column, justify="left" if column == "built at" else "right")
    for point in detail.size_history:
        counts = (point.size, point.holdout_size, point.entered, point.exited)
        history.add_row(point.built_at.strftime("%Y-%m-%d %H:%M:%S"), *(str(c) for c in counts))
    console.print(history)
    sample = Table(title=f"Sample members ({len(detail.sample_rows)})", title_justify="left")
    for column in detail.sample_columns:
        sample.add_column(column)
    for row in detail.sample_rows:
        sample.add_row(*(_personal(c, v, show_pii) for c, v in zip(detail.sample_columns, row, strict=True)))
    console.print(sample)


def print_profile_details(details: ProfileDetails, *, show_pii: bool = False) -> None:
    """Print the golden record with sources, traits, audiences and the recent timeline."""
    golden = Table(title="Golden record", title_justify="left")
    for column in ("attribute", "value", "source", "updated at"):
        golden.add_column(column)
    for a in details.attributes:
        golden.add_row(a.name, _personal(a.name, a.value, show_pii), _text(a.source), _text(a.updated_at))
    for name, value in details.lists.items():
        golden.add_row(name, _personal(name, value, show_pii), "", "")
    console.print(golden)
    traits = Table(title="Traits", title_justify="left")
    traits.add_column("trait")
    traits.add_column("value")
    for name, value in details.traits.items():
        if value is not None:
            traits.add_row(name, _personal(name, value, show_pii))
    console.print(traits)
    audiences = Table(title="Audiences", title_justify="left")
    for column in ("audience", "entered", "exited", "holdout"):
        audiences.add_column(column)
    for m in details.audiences:
        audiences.add_row(
            m.segment_name, _text(m.entered_at), _text(m.exited_at), "yes" if m.is_holdout else ""
        )
    console.print(audiences)
    timeline = Table(title="Recent timeline", title_justify="left")
    for column in ("occurred at", "source", "event", "channel", "properties"):
        timeline.add_column(column)
    for e in details.timeline:
        timeline.add_row(
            _text(e.occurred_at),
            e.source,
            e.event_type,
            _text(e.channel),
            (_text(e.properties) if show_pii else mask_text(_text(e.properties)))[:80],
        )
    console.print(timeline)


def print_audience_problems(problems: list[AudienceProblem]) -> None:
    """One line per problem (file:line: message. Fix: ...)."""
    for problem in problems:
        console.print(str(problem), markup=False, highlight=False, soft_wrap=True)
