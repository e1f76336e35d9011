{#-
  The customer each identifier belongs to now: the latest assignment row per identifier, if not released,
  with its node's statistics.

  Incremental (delete+insert on identifier_key): an identifier's row changes only when the history appends
  a row for it (after the newest `assigned_at` here) or its node is aggregated again (after the newest
  `_node_updated_at` here; a change of the node settings re-aggregates every node). Only those identifiers
  are read again, each with its whole history. One that is released, or whose node is gone, writes a
  placeholder (no customer) that replaces its old row and the post-hook deletes. The first build after an
  upgrade from the version that rebuilt this table whole rewrites every current row; the post-hook deletes
  the rest (no `_node_updated_at`). A full refresh gives the same rows
  (tests/identity/test_incremental_resolution.py).
-#}
{{ config(
    materialized=tessera.upsert_materialization(),
    unique_key='identifier_key',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    post_hook="{{ tessera.delete_unassigned_identifiers() if is_incremental() }}",
) }}

{%- set incremental = is_incremental() and kept_table_has_column('_node_updated_at') %}
{%- set history = ref('int_identity_assignment_history') %}
{%- set nodes = ref('int_identity_nodes') %}

with

{% if incremental %}

{#- Each part reads the history or the nodes itself: a CTE read twice is copied whole by DuckDB. -#}
changed_keys as (
    select identifier_key from {{ history }}
    where assigned_at > {{ last_build_watermark('assigned_at') }}
    union
    select identifier_key from {{ nodes }}
    where _updated_at > {{ last_build_watermark('_node_updated_at') }}
),

history_rows as (
    select * from {{ history }} where identifier_key in (select identifier_key from changed_keys)
),

{% else %}

history_rows as (
    select * from {{ history }}
),

{% endif %}

history_ranked as (
    select
        identifier_key,
        customer_id,
        assigned_at,
        row_number() over (partition by identifier_key order by assigned_at desc) as recency_rank
    from history_rows
),

current_rows as (
    select
        history_ranked.customer_id,
        nodes.node_id,
        nodes.identifier_key,
        nodes.identifier_type,
        nodes.identifier_value,
        nodes.type_priority,
        nodes.first_seen_at,
        nodes.last_seen_at,
        nodes.record_count,
        nodes.source_count,
        nodes.sources,
        history_ranked.assigned_at,
        nodes._updated_at as _node_updated_at
    from history_ranked
    inner join {{ nodes }} as nodes on nodes.identifier_key = history_ranked.identifier_key
    where history_ranked.recency_rank = 1 and history_ranked.customer_id is not null
),

final as (
    select * from current_rows
    {%- if incremental %}
    {#- A changed identifier with no current customer (released, or its node gone) replaces its old row. #}
    union all
    select
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as {{ dbt.type_bigint() }}) as node_id,
        changed_keys.identifier_key,
        cast(null as {{ dbt.type_string() }}) as identifier_type,
        cast(null as {{ dbt.type_string() }}) as identifier_value,
        cast(null as {{ dbt.type_int() }}) as type_priority,
        cast(null as {{ dbt.type_timestamp() }}) as first_seen_at,
        cast(null as {{ dbt.type_timestamp() }}) as last_seen_at,
        cast(null as {{ dbt.type_bigint() }}) as record_count,
        cast(null as {{ dbt.type_bigint() }}) as source_count,
        cast(null as {{ dbt.type_string() }}) as sources,
        cast(null as {{ dbt.type_timestamp() }}) as assigned_at,
        cast(null as {{ dbt.type_timestamp() }}) as _node_updated_at
    from changed_keys
    where changed_keys.identifier_key not in (select identifier_key from current_rows)
    {%- endif %}
)

select * from final
