{#-
  The identifiers whose graph rows a build recomputes (A; macros/identity/graph_scope.sql): those
  aggregated again since the last completed graph build, those whose super-node verdict changed and their
  neighbours, those of the previous first pass that are gone, and every identifier of the previous
  first-pass components holding any of them. Empty when the build recomputes the whole graph.
  The previous first pass is read as the last build left it: it is rebuilt after this model.
-#}

-- depends_on: {{ ref('int_identity_nodes') }}
-- depends_on: {{ ref('int_identity_super_nodes') }}
-- depends_on: {{ ref('int_identity_edges') }}

{%- set scoped = tessera.identity_graph_scoped() %}

{%- if scoped %}
{%- set watermark = tessera.identity_graph_watermark() %}
{%- set previous_components = tessera.identity_previous_relation('int_identity_components_initial') %}

with

nodes as (
    select * from {{ ref('int_identity_nodes') }}
),

aggregated_again as (
    select node_id from nodes where _updated_at > {{ watermark }}
),

{#- A usable identifier in the previous first pass was no super-node then; one outside it was (or is new,
    which is aggregated again anyway). -#}
verdict_changed as (
    select super_nodes.node_id
    from {{ ref('int_identity_super_nodes') }} as super_nodes
    inner join {{ previous_components }} as previous on previous.node_id = super_nodes.node_id
    union
    select nodes.node_id
    from nodes
    left join {{ ref('int_identity_super_nodes') }} as super_nodes on super_nodes.node_id = nodes.node_id
    left join {{ previous_components }} as previous on previous.node_id = nodes.node_id
    where nodes.blocked_rule is null and super_nodes.node_id is null and previous.node_id is null
),

{#- A super-node that stops being one joins its neighbours' components; one that becomes one leaves them. -#}
verdict_neighbours as (
    select edges.node_b as node_id
    from {{ ref('int_identity_edges') }} as edges
    where edges.node_a in (select node_id from verdict_changed)
    union
    select edges.node_a as node_id
    from {{ ref('int_identity_edges') }} as edges
    where edges.node_b in (select node_id from verdict_changed)
),

gone as (
    select previous.node_id
    from {{ previous_components }} as previous
    left join nodes on nodes.node_id = previous.node_id
    where nodes.node_id is null
),

seeds as (
    select node_id from aggregated_again
    union
    select node_id from verdict_changed
    union
    select node_id from verdict_neighbours
    union
    select node_id from gone
),

final as (
    select node_id from seeds
    union
    select previous.node_id
    from {{ previous_components }} as previous
    where previous.component_id in (
        select touched.component_id
        from {{ previous_components }} as touched
        where touched.node_id in (select node_id from seeds)
    )
)

select cast(node_id as {{ dbt.type_bigint() }}) as node_id from final where node_id is not null

{%- else %}

select cast(null as {{ dbt.type_bigint() }}) as node_id
where 1 = 0

{%- endif %}
