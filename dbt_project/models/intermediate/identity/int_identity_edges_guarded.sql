{#-
  Co-occurrence edges that survive the value guards: neither end is a placeholder (already left out of
  the edges) nor a super-node. edge_priority is the rank of the weaker end (1 = strongest), which decides
  which edges give way when a component would break a per-customer limit.
-#}

with

edges as (
    select * from {{ ref('int_identity_edges') }}
),

nodes as (
    select * from {{ ref('int_identity_nodes') }}
),

super_nodes as (
    select * from {{ ref('int_identity_super_nodes') }}
),

final as (
    select
        edges.node_a,
        edges.node_b,
        edges.record_count,
        greatest(node_a_details.type_priority, node_b_details.type_priority) as edge_priority
    from edges
    inner join nodes as node_a_details on node_a_details.node_id = edges.node_a
    inner join nodes as node_b_details on node_b_details.node_id = edges.node_b
    left join super_nodes as super_a on super_a.node_id = edges.node_a
    left join super_nodes as super_b on super_b.node_id = edges.node_b
    where super_a.node_id is null and super_b.node_id is null
)

select * from final
