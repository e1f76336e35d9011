{#-
  Every distinct identifier, numbered for the graph (integer node ids are only stable within one run;
  the stable key across runs is identifier_key), with its first/last seen time, how many records and
  sources carry it, and the placeholder rule that blocks it (NULL when it is usable).
-#}

with

identifiers as (
    select * from {{ ref('int_identifiers_unioned') }}
),

identifier_sources as (
    select distinct identifier_type, identifier_value, source
    from identifiers
),

source_lists as (
    select
        identifier_type,
        identifier_value,
        count(*) as source_count,
        {{ dbt.listagg('source', "','", 'order by source') }} as sources
    from identifier_sources
    group by identifier_type, identifier_value
),

identifier_stats as (
    select
        identifier_type,
        identifier_value,
        min(occurred_at) as first_seen_at,
        max(last_occurred_at) as last_seen_at,
        count(*) as record_count
    from identifiers
    group by identifier_type, identifier_value
),

final as (
    select
        cast(row_number() over (order by identifier_stats.identifier_type, identifier_stats.identifier_value)
            as {{ dbt.type_bigint() }}) as node_id,
        identifier_stats.identifier_type,
        identifier_stats.identifier_value,
        {{ identity_key('identifier_stats.identifier_type', 'identifier_stats.identifier_value') }}
            as identifier_key,
        {{ identity_priority_of('identifier_stats.identifier_type') }} as type_priority,
        identifier_stats.first_seen_at,
        identifier_stats.last_seen_at,
        identifier_stats.record_count,
        source_lists.source_count,
        source_lists.sources,
        {{ identity_blocked_rule('identifier_stats.identifier_type', 'identifier_stats.identifier_value') }}
            as blocked_rule,
        {{ identity_blocked_rule('identifier_stats.identifier_type', 'identifier_stats.identifier_value',
            detail=true) }} as blocked_detail
    from identifier_stats
    inner join source_lists
        on source_lists.identifier_type = identifier_stats.identifier_type
        and source_lists.identifier_value = identifier_stats.identifier_value
)

select * from final
