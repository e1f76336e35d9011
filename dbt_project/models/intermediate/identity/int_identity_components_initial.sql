{#-
  First pass of connected components over the guarded edges; every usable identifier takes part (a
  self-edge keeps an identifier that links to nothing). Components breaking a per-customer limit are
  split next, in int_identity_limit_assignments. A build limited to the touched components
  (macros/identity/graph_scope.sql) reads only their edges and identifiers and keeps the other rows.
-#}
{{ config(materialized='connected_components', max_iterations=60, keep_rows_outside_graph_scope=true) }}

-- depends_on: {{ ref('int_identity_graph_scope') }}

{%- set scoped = tessera.identity_graph_scoped() %}

with

guarded_edges as (
    select * from {{ ref('int_identity_edges_guarded') }}
    {%- if scoped %}
    where {{ tessera.in_identity_graph_scope('node_a') }}
    {%- endif %}
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
    {%- if scoped %}
        and {{ tessera.in_identity_graph_scope('nodes.node_id') }}
    {%- endif %}
),

final as (
    select node_a, node_b from guarded_edges
    union all
    select node_id as node_a, node_id as node_b from usable_nodes
)

select * from final
