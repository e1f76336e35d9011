{#-
  Identifiers the over-merge guards keep out of every customer, with the rule and its detail:
  blocked_value / blocked_pattern (placeholders), super_node (linked to too many people), limit_conflict
  (reached equally from two customers of an over-limit component, so it would be a bridge).
-#}

{#- Read by each part itself: a CTE read twice is copied whole by DuckDB. -#}
{%- set nodes_relation = ref('int_identity_nodes') %}

with

super_nodes as (
    select * from {{ ref('int_identity_super_nodes') }}
),

limit_assignments as (
    select * from {{ ref('int_identity_limit_assignments') }}
),

blocked as (
    select node_id, blocked_rule as rule, blocked_detail as detail
    from {{ nodes_relation }} as nodes
    where blocked_rule is not null
),

super as (
    select node_id, rule, detail
    from super_nodes
),

contested as (
    select
        node_id,
        'limit_conflict' as rule,
        {{ dbt.concat([
            "'equally linked to several customers of a component holding '",
            'cast(limited_type_count as ' ~ dbt.type_string() ~ ')', "' '", 'limited_type',
            "' identifiers (limit '", 'cast(type_limit as ' ~ dbt.type_string() ~ ')', "')'"]) }} as detail
    from limit_assignments
    where status = 'contested'
),

rejections as (
    select node_id, rule, detail from blocked
    union all
    select node_id, rule, detail from super
    union all
    select node_id, rule, detail from contested
),

final as (
    select
        nodes.identifier_type,
        nodes.identifier_value,
        rejections.rule,
        rejections.detail,
        nodes.first_seen_at,
        nodes.last_seen_at,
        nodes.record_count,
        nodes.source_count,
        nodes.sources
    from rejections
    inner join {{ nodes_relation }} as nodes on nodes.node_id = rejections.node_id
)

select * from final
