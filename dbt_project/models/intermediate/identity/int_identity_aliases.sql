{#-
  Account aliases: one record naming two user ids is a Segment alias call (previousId -> userId), which says
  the old account and the new one are the same person. Both count as one account (the anchor, the smaller
  node id) wherever the guards count user ids, so a renamed account does not look like two logged-in people.
  One row per aliased user id that is not its own anchor. Read from the materialized identifier table, not
  staging, so the raw events are not parsed again.
-#}

with

identifiers as (
    select * from {{ ref('int_identifiers_unioned') }}
),

nodes as (
    select * from {{ ref('int_identity_nodes') }}
),

record_user_ids as (
    select
        identifiers.source,
        identifiers.record_id,
        nodes.node_id
    from identifiers
    inner join nodes
        on nodes.identifier_type = identifiers.identifier_type
        and nodes.identifier_value = identifiers.identifier_value
    where identifiers.identifier_type = 'user_id'
        and nodes.blocked_rule is null
),

alias_records as (
    select source, record_id, min(node_id) as anchor_node_id
    from record_user_ids
    group by source, record_id
    having count(*) > 1
),

alias_pairs as (
    select
        record_user_ids.node_id,
        min(alias_records.anchor_node_id) as anchor_node_id
    from alias_records
    inner join record_user_ids
        on record_user_ids.source = alias_records.source
        and record_user_ids.record_id = alias_records.record_id
    where record_user_ids.node_id <> alias_records.anchor_node_id
    group by record_user_ids.node_id
),

{#- An alias of an alias points one hop further (covers a rename of a rename). -#}
final as (
    select
        alias_pairs.node_id,
        coalesce(next_hop.anchor_node_id, alias_pairs.anchor_node_id) as anchor_node_id
    from alias_pairs
    left join alias_pairs as next_hop on next_hop.node_id = alias_pairs.anchor_node_id
    where coalesce(next_hop.anchor_node_id, alias_pairs.anchor_node_id) <> alias_pairs.node_id
)

select * from final
