{#-
  The reference time ("now") every relative trait is measured against, one row. Builds stay reproducible
  on historical data because the default is the latest event in the timeline (events dated in the future
  of the build are ignored); `--vars '{as_of: "2026-10-01 00:00:00"}'` pins it, and
  `--vars '{as_of: now}'` uses the build's clock.
-#}

{%- set as_of = var('as_of', none) -%}

with

customer_events as (
    select * from {{ ref('fct_customer_events') }}
),

latest_event as (
    select max(occurred_at) as latest_event_at
    from customer_events
    where occurred_at <= cast({{ dbt.current_timestamp() }} as {{ dbt.type_timestamp() }})
),

final as (
    select
        {%- if as_of is none %}
        cast(coalesce(latest_event_at, {{ dbt.current_timestamp() }}) as {{ dbt.type_timestamp() }}) as as_of_at,
        'latest_event' as as_of_basis
        {%- elif as_of | string | lower == 'now' %}
        cast({{ dbt.current_timestamp() }} as {{ dbt.type_timestamp() }}) as as_of_at,
        'build_clock' as as_of_basis
        {%- else %}
        cast({{ tessera.string_literal(as_of) }} as {{ dbt.type_timestamp() }}) as as_of_at,
        'var' as as_of_basis
        {%- endif %}
    from latest_event
)

select * from final
