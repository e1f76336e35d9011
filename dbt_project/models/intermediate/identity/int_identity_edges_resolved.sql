{#-
  Every guarded edge with the verdict of the per-customer limits: kept, or dropped because it joins two
  seeds' parts of an over-limit component (or touches a contested identifier). Edges of components within
  their limits are all kept. A build limited to the touched components (macros/identity/graph_scope.sql)
  judges only their edges and keeps the other rows.
-#}

-- depends_on: {{ ref('int_identity_graph_scope') }}

{%- set scoped = tessera.identity_graph_scoped() %}

with

guarded_edges as (
    select * from {{ ref('int_identity_edges_guarded') }}
    {%- if scoped %}
    where {{ tessera.in_identity_graph_scope('node_a') }}
    {%- endif %}
),

limit_assignments as (
    select * from {{ ref('int_identity_limit_assignments') }}
),

edges_judged as (
    select
        guarded_edges.node_a,
        guarded_edges.node_b,
        guarded_edges.record_count,
        guarded_edges.edge_priority,
        coalesce(end_a.limited_type, end_b.limited_type) as limited_type,
        coalesce(end_a.limited_type_count, end_b.limited_type_count) as limited_type_count,
        coalesce(end_a.type_limit, end_b.type_limit) as type_limit,
        case
            when end_a.node_id is null and end_b.node_id is null then true
            when end_a.status = 'contested' or end_b.status = 'contested' then false
            when end_a.status = 'unreached' and end_b.status = 'unreached' then true
            when end_a.seed_id = end_b.seed_id then true
            else false
        end as is_kept
    from guarded_edges
    left join limit_assignments as end_a on end_a.node_id = guarded_edges.node_a
    left join limit_assignments as end_b on end_b.node_id = guarded_edges.node_b
),

final as (
    select
        node_a,
        node_b,
        record_count,
        edge_priority,
        is_kept,
        case when not is_kept then 'type_limit' end as rule,
        case when not is_kept then {{ dbt.concat([
            "'component held '", 'cast(limited_type_count as ' ~ dbt.type_string() ~ ')', "' '",
            'limited_type', "' identifiers (limit '", 'cast(type_limit as ' ~ dbt.type_string() ~ ')', "')'"])
        }} end as detail
    from edges_judged
    {{- tessera.identity_rows_outside_scope(scoped,
        ['node_a', 'node_b', 'record_count', 'edge_priority', 'is_kept', 'rule', 'detail'], 'node_a') }}
)

select * from final
