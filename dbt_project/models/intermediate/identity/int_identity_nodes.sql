{#-
  Every distinct identifier with its node id for the graph (given in int_identifiers_unioned; kept from
  build to build, but the stable key, the one customers are tracked by, is identifier_key), with its
  first/last seen time, how many records and sources carry it, and the placeholder rule that blocks it
  (NULL when it is usable).

  Incremental (delete+insert on node_id): a node's row changes only when an identifier row carrying it is
  written or deleted. Written rows are those stamped after the newest `_updated_at` here; a deleted one (a
  rewritten record that no longer carries the identifier, a forgotten person) shows as a record count that
  no longer matches, looked for per bucket of node ids first (below). Only those nodes are aggregated
  again. A node no record carries any more gets a placeholder row (NULL identifier) that the post-hook
  deletes with the old one. A change of the settings the columns come from (type priorities, guard lists)
  re-computes every node.
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

{%- set watermark = last_build_watermark('_updated_at') %}
{#- Buckets of node ids for finding the nodes that lost rows (below): a power of two, far fewer than nodes. #}
{%- set node_buckets = 4096 %}
{%- set bucket = 'node_id % ' ~ node_buckets %}

{#- T: the nodes carried by a row written since. -#}
written_nodes as (
    select distinct node_id
    from {{ identifier_rows }}
    where _identified_at > {{ watermark }} and node_id is not null
),

{#- Any other node has no row written since, so its count can only have fallen (rows deleted). Counting
    every node's rows on every build grouped the 55M identifier rows at 1M customers into 4.6M groups;
    instead the rows of the other nodes are counted per bucket of node ids and compared with the counts
    kept. As no count in a bucket can rise, a bucket whose total holds lost no row in any of its nodes;
    only the nodes of the buckets that lost rows are counted one by one. -#}
bucket_rows as (
    select {{ bucket }} as bucket, count(*) as row_count
    from {{ identifier_rows }}
    where node_id not in (select node_id from written_nodes)
    group by {{ bucket }}
),

bucket_kept as (
    select {{ bucket }} as bucket, sum(record_count) as row_count
    from {{ this }}
    where node_id not in (select node_id from written_nodes)
    group by {{ bucket }}
),

shrunk_buckets as (
    select bucket_kept.bucket
    from bucket_kept
    left join bucket_rows on bucket_rows.bucket = bucket_kept.bucket
    where bucket_rows.row_count is null or bucket_rows.row_count <> bucket_kept.row_count
),

node_counts as (
    select node_id, count(*) as record_count
    from {{ identifier_rows }}
    where {{ bucket }} in (select bucket from shrunk_buckets)
    group by node_id
),

{#- Nodes carried by a row written since, whose rows were deleted (fewer, or none, left), or computed
    under other settings. -#}
touched_nodes as (
    select node_id from written_nodes
    union
    select kept.node_id
    from {{ this }} as kept
    left join node_counts on node_counts.node_id = kept.node_id
    where kept._settings_signature <> '{{ settings_signature }}'
        or (
            kept.node_id % {{ node_buckets }} in (select bucket from shrunk_buckets)
            and (node_counts.record_count is null or node_counts.record_count <> kept.record_count)
        )
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
