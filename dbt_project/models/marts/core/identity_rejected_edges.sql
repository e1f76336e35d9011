{#-
  Links between two usable identifiers that the per-customer limits dropped, so an analyst can see why
  two records did not merge and tune identity_type_limits.
-#}

{#- Read by each part itself: a CTE read twice is copied whole by DuckDB. -#}
{%- set nodes_relation = ref('int_identity_nodes') %}

with

resolved_edges as (
    select * from {{ ref('int_identity_edges_resolved') }}
),

final as (
    select
        end_a.identifier_type as identifier_type_a,
        end_a.identifier_value as identifier_value_a,
        end_b.identifier_type as identifier_type_b,
        end_b.identifier_value as identifier_value_b,
        resolved_edges.rule,
        resolved_edges.detail,
        resolved_edges.record_count
    from resolved_edges
    inner join {{ nodes_relation }} as end_a on end_a.node_id = resolved_edges.node_a
    inner join {{ nodes_relation }} as end_b on end_b.node_id = resolved_edges.node_b
    where not resolved_edges.is_kept
)

select * from final
