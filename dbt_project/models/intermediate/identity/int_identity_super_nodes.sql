{#-
  Super-nodes: identifiers directly linked to more distinct identifiers of one type than one person can
  hold (a store's email typed at the till for every shopper, a family tablet used by several logged-in
  people). They stop being links; one row per such identifier, with the neighbour type that tripped it.
-#}

{%- set exempt_types = identity_super_node_exempt_types() -%}
{%- set limited_types = identity_super_node_limits().keys() | list | sort -%}

{%- set edges = ref('int_identity_edges') %}
{%- set nodes = ref('int_identity_nodes') %}
{%- set super_node_limit = identity_case_map('neighbours.identifier_type', identity_super_node_limits()) %}

with

{#-
  An edge joins a pair once, so a node's neighbours are distinct and a node cannot hold more distinct
  accounts of a type than it has neighbours of that type: the distinct accounts are counted only where
  that degree is over the limit (36k of 10.8M node and type pairs at 1M customers). Neighbours of a type
  without a limit (browsers, devices) are not counted, so they are left out before the grouping. The edges
  and nodes are read by each part itself, not through shared CTEs.
#}
over_limit_degrees as (
    select both_ways.node_id, neighbours.identifier_type as neighbour_type
    from (
        select node_a as node_id, node_b as neighbour_id from {{ edges }}
        union all
        select node_b as node_id, node_a as neighbour_id from {{ edges }}
    ) as both_ways
    inner join {{ nodes }} as neighbours on neighbours.node_id = both_ways.neighbour_id
    {%- if limited_types %}
    where neighbours.identifier_type in {{ tessera.sql_text_list(limited_types) }}
    {%- else %}
    where 1 = 0
    {%- endif %}
    group by both_ways.node_id, neighbours.identifier_type
    having count(*) > {{ super_node_limit }}
),

candidate_neighbours as (
    select node_a as node_id, node_b as neighbour_id from {{ edges }}
    where node_a in (select node_id from over_limit_degrees)
    union all
    select node_b as node_id, node_a as neighbour_id from {{ edges }}
    where node_b in (select node_id from over_limit_degrees)
),

{#- An old user id and the one it was aliased to count as one account. -#}
neighbour_counts as (
    select
        candidate_neighbours.node_id,
        neighbours.identifier_type as neighbour_type,
        count(distinct coalesce(aliases.anchor_node_id, candidate_neighbours.neighbour_id)) as neighbour_count
    from candidate_neighbours
    inner join {{ nodes }} as neighbours on neighbours.node_id = candidate_neighbours.neighbour_id
    inner join over_limit_degrees
        on over_limit_degrees.node_id = candidate_neighbours.node_id
        and over_limit_degrees.neighbour_type = neighbours.identifier_type
    left join {{ ref('int_identity_aliases') }} as aliases on aliases.node_id = candidate_neighbours.neighbour_id
    group by candidate_neighbours.node_id, neighbours.identifier_type
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
    inner join {{ nodes }} as nodes on nodes.node_id = neighbour_counts.node_id
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
