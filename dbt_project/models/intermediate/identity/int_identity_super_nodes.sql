{#-
  Super-nodes: identifiers directly linked to more distinct identifiers of one type than one person can
  hold (a store's email typed at the till for every shopper, a family tablet used by several logged-in
  people). They stop being links; one row per such identifier, with the neighbour type that tripped it.
-#}

{%- set exempt_types = identity_super_node_exempt_types() -%}

with

edges as (
    select * from {{ ref('int_identity_edges') }}
),

nodes as (
    select * from {{ ref('int_identity_nodes') }}
),

aliases as (
    select * from {{ ref('int_identity_aliases') }}
),

edges_both_ways as (
    select node_a as node_id, node_b as neighbour_id from edges
    union all
    select node_b as node_id, node_a as neighbour_id from edges
),

{#- An old user id and the one it was aliased to count as one account. -#}
neighbours_typed as (
    select
        edges_both_ways.node_id,
        edges_both_ways.neighbour_id,
        neighbours.identifier_type as neighbour_type,
        coalesce(aliases.anchor_node_id, edges_both_ways.neighbour_id) as neighbour_account_id
    from edges_both_ways
    inner join nodes as neighbours on neighbours.node_id = edges_both_ways.neighbour_id
    left join aliases on aliases.node_id = edges_both_ways.neighbour_id
),

neighbour_counts as (
    select
        node_id,
        neighbour_type,
        count(distinct neighbour_account_id) as neighbour_count
    from neighbours_typed
    group by node_id, neighbour_type
),

violations as (
    select
        neighbour_counts.node_id,
        neighbour_counts.neighbour_type,
        neighbour_counts.neighbour_count,
        {{ identity_case_map('neighbour_counts.neighbour_type', identity_super_node_limits()) }}
            as neighbour_limit,
        row_number() over (
            partition by neighbour_counts.node_id
            order by {{ identity_priority_of('neighbour_counts.neighbour_type') }}, neighbour_counts.neighbour_type
        ) as violation_rank
    from neighbour_counts
    inner join nodes on nodes.node_id = neighbour_counts.node_id
    where neighbour_counts.neighbour_count
        > {{ identity_case_map('neighbour_counts.neighbour_type', identity_super_node_limits()) }}
    {%- if exempt_types %}
        and nodes.identifier_type not in (
            {%- for t in exempt_types %}'{{ t }}'{% if not loop.last %}, {% endif %}{% endfor -%}
        )
    {%- endif %}
),

final as (
    select
        node_id,
        'super_node' as rule,
        {{ dbt.concat([
            "'linked to '", 'cast(neighbour_count as ' ~ dbt.type_string() ~ ')', "' distinct '",
            'neighbour_type', "' identifiers (limit '", 'cast(neighbour_limit as ' ~ dbt.type_string() ~ ')',
            "')'"]) }} as detail,
        neighbour_type,
        neighbour_count
    from violations
    where violation_rank = 1
)

select * from final
