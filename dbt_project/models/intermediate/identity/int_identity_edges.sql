{#-
  Co-occurrence edges: two usable identifiers on one source record are linked (placeholders are left out).
  Records are first collapsed to distinct identifier sets, so twenty million events with the same
  (anonymous id, user id) pair cost one group-by, not twenty million pair expansions.
  One row per undirected edge, node_a < node_b, with how many records carry it.
-#}

with

identifiers as (
    select * from {{ ref('int_identifiers_unioned') }}
),

nodes as (
    select * from {{ ref('int_identity_nodes') }}
),

{#- No `distinct` needed: identifier rows are unique per record (tested) and nodes per identifier. -#}
record_nodes as (
    select
        identifiers.source,
        identifiers.record_id,
        nodes.node_id
    from identifiers
    inner join nodes
        on nodes.identifier_type = identifiers.identifier_type
        and nodes.identifier_value = identifiers.identifier_value
    where nodes.blocked_rule is null
),

records_sized as (
    select
        source,
        record_id,
        count(*) as node_count,
        min(node_id) as min_node_id,
        max(node_id) as max_node_id
    from record_nodes
    group by source, record_id
    having count(*) >= 2
),

{#- Most linking records carry exactly two identifiers: their edge is (min, max), no expansion needed. -#}
pair_edges as (
    select min_node_id as node_a, max_node_id as node_b, count(*) as record_count
    from records_sized
    where node_count = 2
    group by min_node_id, max_node_id
),

wide_record_sets as (
    select
        record_nodes.source,
        record_nodes.record_id,
        {{ dbt.listagg('cast(record_nodes.node_id as ' ~ dbt.type_string() ~ ')', "','",
            'order by record_nodes.node_id') }} as node_set
    from record_nodes
    inner join records_sized
        on records_sized.source = record_nodes.source
        and records_sized.record_id = record_nodes.record_id
    where records_sized.node_count > 2
    group by record_nodes.source, record_nodes.record_id
),

wide_sets_ranked as (
    select
        source,
        record_id,
        node_set,
        count(*) over (partition by node_set) as records_with_set,
        row_number() over (partition by node_set order by source, record_id) as set_rank
    from wide_record_sets
),

wide_set_members as (
    select
        wide_sets_ranked.node_set,
        wide_sets_ranked.records_with_set,
        record_nodes.node_id
    from wide_sets_ranked
    inner join record_nodes
        on record_nodes.source = wide_sets_ranked.source
        and record_nodes.record_id = wide_sets_ranked.record_id
    where wide_sets_ranked.set_rank = 1
),

wide_edges as (
    select
        member_a.node_id as node_a,
        member_b.node_id as node_b,
        sum(member_a.records_with_set) as record_count
    from wide_set_members as member_a
    inner join wide_set_members as member_b
        on member_b.node_set = member_a.node_set
        and member_b.node_id > member_a.node_id
    group by member_a.node_id, member_b.node_id
),

all_edges as (
    select node_a, node_b, record_count from pair_edges
    union all
    select node_a, node_b, record_count from wide_edges
),

final as (
    select
        node_a,
        node_b,
        cast(sum(record_count) as {{ dbt.type_bigint() }}) as record_count
    from all_edges
    group by node_a, node_b
)

select * from final
