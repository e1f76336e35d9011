{#-
  Per-customer limits. A component holding more identifiers of some type than one customer may (two
  user ids, say) is several people joined by weak links. Its identifiers of the strongest over-limit type
  become seeds, and every other identifier joins the seed that reaches it first, walking out one hop at a
  time (at most identity_limit_max_hops): at each hop the strongest connecting edge wins, then the one
  carried by more records. An identifier two seeds reach equally is contested and dropped (it would be a
  bridge); edges between identifiers of different seeds are dropped downstream. The dropped links are
  always the weakest ones between the seeds.
  One row per identifier of an over-limit component: its seed (NULL when contested or not reached) and
  status seed | assigned | contested | unreached. A build limited to the touched components
  (macros/identity/graph_scope.sql) judges only theirs and keeps the other rows.
-#}

{%- set max_hops = identity_limit_max_hops() %}
{%- set scoped = tessera.identity_graph_scoped() %}

-- depends_on: {{ ref('int_identity_graph_scope') }}

with

components as (
    select * from {{ ref('int_identity_components_initial') }}
    {%- if scoped %}
    where {{ tessera.in_identity_graph_scope('node_id') }}
    {%- endif %}
),

nodes as (
    select * from {{ ref('int_identity_nodes') }}
),

guarded_edges as (
    select * from {{ ref('int_identity_edges_guarded') }}
),

aliases as (
    select * from {{ ref('int_identity_aliases') }}
),

{#- An aliased old user id counts as the account it was renamed to (its anchor). -#}
anchored_components as (
    select
        components.node_id,
        components.component_id,
        nodes.identifier_type,
        coalesce(aliases.anchor_node_id, components.node_id) as anchor_node_id
    from components
    inner join nodes on nodes.node_id = components.node_id
    left join aliases on aliases.node_id = components.node_id
),

type_counts as (
    select
        component_id,
        identifier_type,
        count(distinct anchor_node_id) as identifier_count
    from anchored_components
    group by component_id, identifier_type
),

over_limit_types as (
    select
        component_id,
        identifier_type,
        identifier_count,
        {{ identity_case_map('identifier_type', identity_type_limits()) }} as type_limit,
        row_number() over (
            partition by component_id
            order by {{ identity_priority_of('identifier_type') }}, identifier_type
        ) as violation_rank
    from type_counts
    where identifier_count > {{ identity_case_map('identifier_type', identity_type_limits()) }}
),

over_limit_components as (
    select component_id, identifier_type as limited_type, identifier_count, type_limit
    from over_limit_types
    where violation_rank = 1
),

over_limit_nodes as (
    select
        anchored_components.node_id,
        anchored_components.component_id,
        anchored_components.identifier_type,
        anchored_components.anchor_node_id,
        over_limit_components.limited_type,
        over_limit_components.identifier_count as limited_type_count,
        over_limit_components.type_limit
    from anchored_components
    inner join over_limit_components
        on over_limit_components.component_id = anchored_components.component_id
),

component_edges as (
    select guarded_edges.node_a as from_node_id, guarded_edges.node_b as to_node_id,
        guarded_edges.edge_priority, guarded_edges.record_count
    from guarded_edges
    inner join over_limit_nodes on over_limit_nodes.node_id = guarded_edges.node_a
    union all
    select guarded_edges.node_b as from_node_id, guarded_edges.node_a as to_node_id,
        guarded_edges.edge_priority, guarded_edges.record_count
    from guarded_edges
    inner join over_limit_nodes on over_limit_nodes.node_id = guarded_edges.node_b
),

visited_0 as (
    select
        node_id,
        anchor_node_id as seed_id,
        'seed' as status,
        0 as hop
    from over_limit_nodes
    where identifier_type = limited_type
),

{#-
  Each hop reads the previous hop's rows exactly once: Spark inlines CTEs, so a hop that read them twice
  (frontier and already-visited) would double the query plan at every hop. One pass yields every visited
  row (kind 0) and, from the frontier, each edge's far end as a candidate (kind 1).
-#}
{%- for hop in range(1, max_hops + 1) %}

reached_{{ hop }} as (
    select
        case when copies.kind = 0 then previous.node_id else component_edges.to_node_id end as node_id,
        previous.seed_id,
        previous.status,
        previous.hop,
        copies.kind,
        component_edges.edge_priority,
        component_edges.record_count
    from visited_{{ hop - 1 }} as previous
    cross join (select 0 as kind union all select 1 as kind) as copies
    left join component_edges
        on copies.kind = 1
        and component_edges.from_node_id = previous.node_id
        and previous.hop = {{ hop - 1 }}
        and previous.status in ('seed', 'assigned')
    where copies.kind = 0 or component_edges.to_node_id is not null
),

grouped_{{ hop }} as (
    select
        node_id,
        seed_id,
        kind,
        max(status) as status,
        max(hop) as hop,
        min(edge_priority) as best_edge_priority,
        sum(record_count) as support
    from reached_{{ hop }}
    group by node_id, seed_id, kind
),

ranked_{{ hop }} as (
    select
        node_id,
        seed_id,
        kind,
        status,
        hop,
        max(1 - kind) over (partition by node_id) as is_visited,
        rank() over (partition by node_id, kind order by best_edge_priority, support desc) as candidate_rank
    from grouped_{{ hop }}
),

visited_{{ hop }} as (
    select
        node_id,
        min(seed_id) as seed_id,
        case
            when max(kind) = 0 then max(status)
            when count(*) > 1 then 'contested'
            else 'assigned'
        end as status,
        case when max(kind) = 0 then max(hop) else {{ hop }} end as hop
    from ranked_{{ hop }}
    where kind = 0 or (is_visited = 0 and candidate_rank = 1)
    group by node_id
),
{%- endfor %}

final as (
    select
        over_limit_nodes.node_id,
        over_limit_nodes.component_id,
        over_limit_nodes.limited_type,
        over_limit_nodes.limited_type_count,
        over_limit_nodes.type_limit,
        case when visited.status = 'contested' then null else visited.seed_id end as seed_id,
        coalesce(visited.status, 'unreached') as status,
        visited.hop
    from over_limit_nodes
    left join visited_{{ max_hops }} as visited on visited.node_id = over_limit_nodes.node_id
    {{- tessera.identity_rows_outside_scope(scoped,
        ['node_id', 'component_id', 'limited_type', 'limited_type_count', 'type_limit', 'seed_id', 'status',
         'hop']) }}
)

select * from final
