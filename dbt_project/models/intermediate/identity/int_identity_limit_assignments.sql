{#-
  Per-customer limits. A component holding more identifiers of some type than one customer may (two
  user ids, say) is several people joined by weak links. Its identifiers of the strongest over-limit type
  become seeds, and every other identifier joins the seed that reaches it first, walking out one hop at a
  time (at most identity_limit_max_hops): at each hop the strongest connecting edge wins, then the one
  carried by more records. An identifier two seeds reach equally is contested and dropped (it would be a
  bridge); edges between identifiers of different seeds are dropped downstream. The dropped links are
  always the weakest ones between the seeds.
  One row per identifier of an over-limit component: its seed (NULL when contested or not reached) and
  status seed | assigned | contested | unreached.
-#}

{%- set max_hops = identity_limit_max_hops() -%}

with

components as (
    select * from {{ ref('int_identity_components_initial') }}
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

{%- for hop in range(1, max_hops + 1) %}

candidates_{{ hop }} as (
    select
        component_edges.to_node_id as node_id,
        frontier.seed_id,
        min(component_edges.edge_priority) as best_edge_priority,
        sum(component_edges.record_count) as support
    from visited_{{ hop - 1 }} as frontier
    inner join component_edges on component_edges.from_node_id = frontier.node_id
    left join visited_{{ hop - 1 }} as already_visited on already_visited.node_id = component_edges.to_node_id
    where frontier.hop = {{ hop - 1 }}
        and frontier.status in ('seed', 'assigned')
        and already_visited.node_id is null
    group by component_edges.to_node_id, frontier.seed_id
),

candidates_ranked_{{ hop }} as (
    select
        node_id,
        seed_id,
        rank() over (partition by node_id order by best_edge_priority, support desc) as candidate_rank
    from candidates_{{ hop }}
),

decided_{{ hop }} as (
    select
        node_id,
        min(seed_id) as seed_id,
        case when count(*) > 1 then 'contested' else 'assigned' end as status,
        {{ hop }} as hop
    from candidates_ranked_{{ hop }}
    where candidate_rank = 1
    group by node_id
),

visited_{{ hop }} as (
    select node_id, seed_id, status, hop from visited_{{ hop - 1 }}
    union all
    select node_id, seed_id, status, hop from decided_{{ hop }}
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
)

select * from final
