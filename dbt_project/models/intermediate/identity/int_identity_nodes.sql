{#-
  Every distinct identifier with its node id for the graph (given in int_identifiers_unioned; kept from
  build to build, but the stable key, the one customers are tracked by, is identifier_key), with its
  first/last seen time, how many records and sources carry it, and the placeholder rule that blocks it
  (NULL when it is usable).

  Incremental (delete+insert on node_id): a node's row changes only when an identifier row carrying it is
  written or deleted. Written rows are those stamped after the newest `_updated_at` here; a deleted one (a
  rewritten record that no longer carries the identifier) shows as a record count that no longer matches,
  counted on the integer column alone. Only those nodes are aggregated again. A node no record carries any
  more gets a placeholder row (NULL identifier) that the post-hook deletes with the old one. A change of
  the settings the columns come from (type priorities, guard lists) re-computes every node.
-#}
{{ config(
    materialized=tessera.upsert_materialization(),
    unique_key='node_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ tessera.delete_placeholder_nodes() if is_incremental() }}",
) }}

{%- set settings_signature = identity_node_settings_signature() %}
{#- Each part reads the identifier rows itself: a CTE read twice is materialized whole (every column of
    every row) by DuckDB, which cost more than the re-aggregation. -#}
{%- set identifier_rows = ref('int_identifiers_unioned') %}

with

{% if is_incremental() %}

node_counts as (
    select node_id, count(*) as record_count from {{ identifier_rows }} group by node_id
),

{#- Nodes carried by a row written since, whose rows were deleted (fewer, or none, left), or computed
    under other settings. -#}
touched_nodes as (
    select node_id from {{ identifier_rows }} where _identified_at > {{ last_build_watermark('_updated_at') }}
    union
    select kept.node_id
    from {{ this }} as kept
    left join node_counts on node_counts.node_id = kept.node_id
    where node_counts.record_count is null or node_counts.record_count <> kept.record_count
        or kept._settings_signature <> '{{ settings_signature }}'
),

identifiers as (
    select * from {{ identifier_rows }} where node_id in (select node_id from touched_nodes)
),

{% else %}

identifiers as (
    select * from {{ identifier_rows }}
),

{% endif %}

{#- One pass over the identifier rows (the bulk), grouped on the integer id: per source first, then rolled
    up per identifier. A node id names one identifier (the unique tests on identifier_key catch a slip). -#}
identifier_sources as (
    select
        node_id,
        source,
        {{ tessera.any_value('identifier_type') }} as identifier_type,
        {{ tessera.any_value('identifier_value') }} as identifier_value,
        min(occurred_at) as first_seen_at,
        max(last_occurred_at) as last_seen_at,
        count(*) as record_count
    from identifiers
    group by node_id, source
),

identifier_stats as (
    select
        node_id,
        {{ tessera.any_value('identifier_type') }} as identifier_type,
        {{ tessera.any_value('identifier_value') }} as identifier_value,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at,
        sum(record_count) as record_count,
        count(*) as source_count,
        {{ dbt.listagg('source', "','", 'order by source') }} as sources
    from identifier_sources
    group by node_id
),

{#- The guard lists' regular expressions are matched once per node, for the detail; the rule is read off it. -#}
identifier_checked as (
    select
        identifier_stats.*,
        {{ identity_blocked_detail('identifier_type', 'identifier_value') }} as blocked_detail
    from identifier_stats
),

{#- In an incremental build every touched node gets a row: a node no record carries any more comes out of
    the left join with NULL columns, a placeholder that replaces its old row and the post-hook deletes. -#}
final as (
    select
        {{ 'touched_nodes' if is_incremental() else 'identifier_checked' }}.node_id,
        identifier_checked.identifier_type,
        identifier_checked.identifier_value,
        {{ identity_key('identifier_checked.identifier_type', 'identifier_checked.identifier_value') }}
            as identifier_key,
        {{ identity_priority_of('identifier_checked.identifier_type') }} as type_priority,
        identifier_checked.first_seen_at,
        identifier_checked.last_seen_at,
        cast(identifier_checked.record_count as {{ dbt.type_bigint() }}) as record_count,
        identifier_checked.source_count,
        identifier_checked.sources,
        {{ identity_blocked_rule_of_detail('identifier_checked.blocked_detail') }} as blocked_rule,
        identifier_checked.blocked_detail,
        '{{ settings_signature }}' as _settings_signature,
        {{ identity_run_at() }} as _updated_at
    {%- if is_incremental() %}
    from touched_nodes
    left join identifier_checked on identifier_checked.node_id = touched_nodes.node_id
    {%- else %}
    from identifier_checked
    {%- endif %}
)

select * from final
