{#-
  Final connected components: the kept edges, plus every usable identifier that is not contested between
  two customers (as a self-edge). component_id is the smallest node id of the component; it only lives
  for this run, the stable customer_id is assigned in int_identity_assignment_history. A build limited to
  the touched components (macros/identity/graph_scope.sql) reads only their edges and identifiers and
  keeps the other rows.
-#}
{{ config(materialized='connected_components', max_iterations=60, keep_rows_outside_graph_scope=true) }}

-- depends_on: {{ ref('int_identity_graph_scope') }}

{%- set scoped = tessera.identity_graph_scoped() %}

with

resolved_edges as (
    select * from {{ ref('int_identity_edges_resolved') }}
),

initial_components as (
    select * from {{ ref('int_identity_components_initial') }}
),

limit_assignments as (
    select * from {{ ref('int_identity_limit_assignments') }}
),

kept_edges as (
    select node_a, node_b from resolved_edges
    where is_kept
    {%- if scoped %}
        and {{ tessera.in_identity_graph_scope('node_a') }}
    {%- endif %}
),

resolved_nodes as (
    select initial_components.node_id
    from initial_components
    left join limit_assignments on limit_assignments.node_id = initial_components.node_id
    where (limit_assignments.status is null or limit_assignments.status <> 'contested')
    {%- if scoped %}
        and {{ tessera.in_identity_graph_scope('initial_components.node_id') }}
    {%- endif %}
),

final as (
    select node_a, node_b from kept_edges
    union all
    select node_id as node_a, node_id as node_b from resolved_nodes
)

select * from final
