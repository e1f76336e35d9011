{#-
  Every distinct identifier with its node id for the graph (given in int_identifiers_unioned; kept from
  build to build, but the stable key, the one customers are tracked by, is identifier_key), with its first/last seen time, how many records and
  sources carry it, and the placeholder rule that blocks it (NULL when it is usable).
-#}

with

identifiers as (
    select * from {{ ref('int_identifiers_unioned') }}
),

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

final as (
    select
        identifier_stats.node_id,
        identifier_stats.identifier_type,
        identifier_stats.identifier_value,
        {{ identity_key('identifier_stats.identifier_type', 'identifier_stats.identifier_value') }}
            as identifier_key,
        {{ identity_priority_of('identifier_stats.identifier_type') }} as type_priority,
        identifier_stats.first_seen_at,
        identifier_stats.last_seen_at,
        cast(identifier_stats.record_count as {{ dbt.type_bigint() }}) as record_count,
        identifier_stats.source_count,
        identifier_stats.sources,
        {{ identity_blocked_rule('identifier_stats.identifier_type', 'identifier_stats.identifier_value') }}
            as blocked_rule,
        {{ identity_blocked_rule('identifier_stats.identifier_type', 'identifier_stats.identifier_value',
            detail=true) }} as blocked_detail
    from identifier_stats
)

select * from final
