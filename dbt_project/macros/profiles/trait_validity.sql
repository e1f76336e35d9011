{#-
  Relative traits kept per customer. A trait measured up to the reference time (`as_of`) or over the last
  w seconds changes, for one customer, only when as_of crosses one of that customer's boundaries: a time t
  (its row enters `t <= as_of`) or, for a window, the second of t plus w (its row leaves the window, as
  `datediff(t, as_of, 'second') < w` turns false). Each row keeps the span of reference times it holds
  for, [_valid_from, _valid_until): the latest boundary at or before the as_of it was computed at and the
  earliest after it (NULL: no bound). A build redoes the customers whose records were resolved since
  (touched_customers) and those whose span no longer holds the new as_of; every other row is what a full
  build would write. The spans are aggregates over the rows the model groups anyway, so a model reads its
  rows with no as_of filter and applies `t <= as_of` inside each aggregate instead: a customer whose every
  row lies after as_of has a row too (no counts), or nothing would redo it when as_of reaches them.
-#}

{#- The second a row at `time_expr` leaves a window of `seconds` (as `datediff(.., 'second') < seconds`). -#}
{% macro window_boundary(time_expr, seconds) -%}
    {{ dbt.dateadd('second', seconds, dbt.date_trunc('second', time_expr)) }}
{%- endmacro %}

{#-
  `_valid_from` and `_valid_until` as two aggregate columns (with a leading comma) over rows grouped by
  customer. `boundaries` is a list of (time SQL, window seconds or none, condition SQL or none): none means
  the time itself is the boundary (`time <= as_of`), a number adds the window's exit; the condition limits
  which rows count (an event type, say).
-#}
{% macro validity_columns(boundaries, as_of='as_of.as_of_at') -%}
    {%- set lower, upper = [], [] -%}
    {%- for time_expr, seconds, condition in boundaries -%}
        {%- set boundary = time_expr if seconds is none else tessera.window_boundary(time_expr, seconds) -%}
        {%- set where = '' if condition is none else condition ~ ' and ' -%}
        {%- do lower.append('max(case when ' ~ where ~ boundary ~ ' <= ' ~ as_of ~ ' then ' ~ boundary ~ ' end)') -%}
        {%- do upper.append('min(case when ' ~ where ~ boundary ~ ' > ' ~ as_of ~ ' then ' ~ boundary ~ ' end)') -%}
    {%- endfor %},
        {{ tessera.greatest_of(lower) }} as _valid_from,
        {{ tessera.least_of(upper) }} as _valid_until
{%- endmacro %}

{#- greatest() and least() skipping NULLs (as DuckDB, Postgres and Spark all do); one argument as is. -#}
{% macro greatest_of(expressions) -%}
    {%- if expressions | length == 1 %}{{ expressions[0] }}{% else %}greatest({{ expressions | join(', ') }}){% endif -%}
{%- endmacro %}

{% macro least_of(expressions) -%}
    {%- if expressions | length == 1 %}{{ expressions[0] }}{% else %}least({{ expressions | join(', ') }}){% endif -%}
{%- endmacro %}

{#- A digest of the trait settings: when it changes, an incremental build redoes every customer. -#}
{% macro profile_traits_signature() -%}
  {{- local_md5(tojson([
      tessera.profile_recent_days(), tessera.profile_abandon_after_hours(), tessera.profile_cart_events(),
      tessera.profile_order_events(), tessera.profile_product_view_events(), tessera.profile_consent_purposes(),
      tessera.profile_hard_bounce_events(), tessera.profile_fx_rates(), tessera.profile_reporting_currency(),
      identity_type_priority()], sort_keys=true)) -}}
{%- endmacro %}

{#- Whether a trait model builds incrementally: a kept table with its stamps (`stamp_column` among them),
    written under the same settings. -#}
{% macro traits_incremental(stamp_column='_valid_until') -%}
    {{- return(is_incremental() and kept_table_has_column(stamp_column)
        and not kept_rows_differ(profile_traits_signature())) -}}
{%- endmacro %}

{#-
  The scope of a trait model, as CTEs: `resolved_through` and, in an incremental build, `touched_customers`:
  the customers of the records resolved since the model's newest `_resolved_through` (now and before),
  those whose span no longer holds the new reference time (read from the CTE `as_of`; unless not `spans`),
  and `also`, a list of SQL selects of more customer ids.
-#}
{% macro trait_scope_ctes(incremental, also=[], spans=true) -%}
resolved_through as (
    select max(resolved_at) as resolved_through from {{ ref('int_record_resolutions') }}
),
{%- if incremental %}

touched_customers as (
    {{ tessera.touched_customers(ref('int_record_resolutions'), last_build_watermark('_resolved_through')) }}
    {%- if spans %}
    union
    select kept.customer_id
    from {{ this }} as kept
    cross join as_of
    where kept._valid_from > as_of.as_of_at or kept._valid_until <= as_of.as_of_at
    {%- endif %}
    {%- for select in also %}
    union
    {{ select }}
    {%- endfor %}
),
{%- endif %}
{%- endmacro %}

{#-
  The stamps every trait row ends with (leading comma): the span (when `valid_from` is given), the newest
  resolution consumed, the settings and the build that wrote it. Placeholders (a redone customer with no
  rows now, `is_row` false) have no signature: the post-hook deletes them once they have replaced the
  customer's old row.
-#}
{% macro trait_stamps(is_row, valid_from=none, valid_until=none) -%},
        {%- if valid_from is not none %}
        case when {{ is_row }} then {{ valid_from }} end as _valid_from,
        case when {{ is_row }} then {{ valid_until }} end as _valid_until,
        {%- endif %}
        resolved_through.resolved_through as _resolved_through,
        case when {{ is_row }} then '{{ profile_traits_signature() }}' end as _settings_signature,
        {{ tessera.build_started_at() }} as _built_at
{%- endmacro %}
