{#-
  First pass of connected components over the guarded edges; every usable identifier takes part (a
  self-edge keeps an identifier that links to nothing). Components breaking a per-customer limit are
  split next, in int_identity_limit_assignments.
-#}
{{ config(materialized='connected_components', max_iterations=60) }}

with

guarded_edges as (
    select * from {{ ref('int_identity_edges_guarded') }}
),

nodes as (
    select * from {{ ref('int_identity_nodes') }}
),

super_nodes as (
    select * from {{ ref('int_identity_super_nodes') }}
),

usable_nodes as (
    select nodes.node_id
    from nodes
    left join super_nodes on super_nodes.node_id = nodes.node_id
    where nodes.blocked_rule is null and super_nodes.node_id is null
),

final as (
    select node_a, node_b from guarded_edges
    union all
    select node_id as node_a, node_id as node_b from usable_nodes
)

select * from final
