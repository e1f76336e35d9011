{#-
  Account aliases: one record naming two user ids is a Segment alias call (previousId -> userId), which says
  the old account and the new one are the same person. Both count as one account (the anchor, the smaller
  node id) wherever the guards count user ids, so a renamed account does not look like two logged-in people.
  One row per aliased user id that is not its own anchor. Read from the per-record links: a record with
  two user ids links them (placeholders left out).
-#}

with

record_links as (
    select * from {{ ref('int_record_links') }}
),

usable_links as (
    {{ identity_usable_links('record_links') }}
),

user_id_links as (
    select source, record_id, node_a, node_b
    from usable_links
    where is_user_id_pair
),

{#- node_a < node_b, so the record's smallest user id is the smallest node_a of its links. -#}
alias_records as (
    select source, record_id, min(node_a) as anchor_node_id
    from user_id_links
    group by source, record_id
),

record_user_ids as (
    select source, record_id, node_a as node_id from user_id_links
    union
    select source, record_id, node_b as node_id from user_id_links
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
