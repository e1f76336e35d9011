{#- The customer each identifier belongs to now: the latest assignment row per identifier, if not released. -#}

with

history as (
    select * from {{ ref('int_identity_assignment_history') }}
),

nodes as (
    select * from {{ ref('int_identity_nodes') }}
),

history_ranked as (
    select
        identifier_key,
        customer_id,
        assigned_at,
        row_number() over (partition by identifier_key order by assigned_at desc) as recency_rank
    from history
),

final as (
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
        history_ranked.assigned_at
    from history_ranked
    inner join nodes on nodes.identifier_key = history_ranked.identifier_key
    where history_ranked.recency_rank = 1 and history_ranked.customer_id is not null
)

select * from final
