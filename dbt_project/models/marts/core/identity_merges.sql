{#-
  The log of customer merges and splits, appended by every run that changes a customer id:
  - merge: every identifier of merged_customer_id now belongs to surviving_customer_id (the older id);
    the linking edge is a link that now joins an identifier of the merged customer to the survivor;
  - split: part of surviving_customer_id left it (a guard or a corrected record separated it) and now
    belongs to merged_customer_id (a new id, or an existing customer it joined); the linking edge is the
    link a guard dropped between the parts, or the identifier a guard rejected.
  Append-only, and kept through `--full-refresh` like the history it reads (drop the table to restart it).
-#}
{{ config(
    materialized='incremental',
    unique_key=['surviving_customer_id', 'merged_customer_id', 'merged_at'],
    on_schema_change='fail',
    full_refresh=false,
) }}

{#- The history, the current assignments and the nodes are read by each part that needs them: through a
    CTE read several times DuckDB would copy each whole first. -#}
{%- set history = ref('int_identity_assignment_history') %}
{%- set current_assignments = ref('int_identity_current_assignments') %}
{%- set nodes = ref('int_identity_nodes') %}

with

resolved_edges as (
    select * from {{ ref('int_identity_edges_resolved') }}
),

rejected_identifiers as (
    select * from {{ ref('identity_rejected_identifiers') }}
),

{#- The history is ranked only for the identifiers a part needs (macro customers_before_run), not whole. -#}
run_changes as (
    select identifier_key, customer_id
    from {{ history }}
    where assigned_at = {{ identity_run_at() }}
),

{#- The customer each identifier this run moved had before. -#}
moved_from as (
    {{ tessera.customers_before_run(history, 'run_changes') }}
),

live_customers as (
    select distinct customer_id from {{ current_assignments }}
),

transitions as (
    select
        moved_from.customer_id as previous_customer_id,
        run_changes.customer_id as current_customer_id,
        count(*) as identifiers_moved
    from run_changes
    inner join moved_from on moved_from.identifier_key = run_changes.identifier_key
    where run_changes.customer_id is not null
    group by moved_from.customer_id, run_changes.customer_id
),

events as (
    select
        case when live_customers.customer_id is null
            then transitions.current_customer_id else transitions.previous_customer_id
        end as surviving_customer_id,
        case when live_customers.customer_id is null
            then transitions.previous_customer_id else transitions.current_customer_id
        end as merged_customer_id,
        case when live_customers.customer_id is null then 'merge' else 'split' end as event_type,
        transitions.identifiers_moved
    from transitions
    left join live_customers on live_customers.customer_id = transitions.previous_customer_id
),

{#-
  The links of an event join two of its customers, so only edges from an identifier now in a merged or
  split customer can be one: at a million customers the whole edge list would not fit in memory, and a
  run usually merges few.
-#}
involved_customers as (
    select surviving_customer_id as customer_id from events
    union
    select merged_customer_id as customer_id from events
),

involved_nodes as (
    select current_assignments.node_id
    from {{ current_assignments }} as current_assignments
    inner join involved_customers on involved_customers.customer_id = current_assignments.customer_id
),

candidate_edges as (
    select resolved_edges.*
    from resolved_edges
    inner join involved_nodes on involved_nodes.node_id = resolved_edges.node_a
),

{#- The identifiers whose customer before this run the links need: both ends of those edges, and every
    identifier an involved customer ever held (a split's rejected identifier). -#}
linked_keys as (
    select nodes.identifier_key
    from {{ nodes }} as nodes
    where nodes.node_id in (select node_a from candidate_edges)
        or nodes.node_id in (select node_b from candidate_edges)
    union
    select identifier_key
    from {{ history }}
    where customer_id in (select customer_id from involved_customers)
),

previous_assignments as (
    {{ tessera.customers_before_run(history, 'linked_keys') }}
),

{#- Both ends of those edges, with the customer before and after this run. -#}
edge_ends as (
    select
        resolved_edges.is_kept,
        resolved_edges.edge_priority,
        resolved_edges.record_count,
        resolved_edges.rule,
        end_a.identifier_type as identifier_type_a,
        end_a.identifier_value as identifier_value_a,
        end_b.identifier_type as identifier_type_b,
        end_b.identifier_value as identifier_value_b,
        previous_a.customer_id as previous_customer_a,
        previous_b.customer_id as previous_customer_b,
        current_a.customer_id as current_customer_a,
        current_b.customer_id as current_customer_b
    from candidate_edges as resolved_edges
    inner join {{ nodes }} as end_a on end_a.node_id = resolved_edges.node_a
    inner join {{ nodes }} as end_b on end_b.node_id = resolved_edges.node_b
    left join previous_assignments as previous_a on previous_a.identifier_key = end_a.identifier_key
    left join previous_assignments as previous_b on previous_b.identifier_key = end_b.identifier_key
    left join {{ current_assignments }} as current_a on current_a.identifier_key = end_a.identifier_key
    left join {{ current_assignments }} as current_b on current_b.identifier_key = end_b.identifier_key
),

{#- A merge's link: a kept edge from an identifier of the merged customer to one that was not in it. -#}
merge_links as (
    select
        events.surviving_customer_id,
        events.merged_customer_id,
        edge_ends.identifier_type_a as linking_identifier_type_a,
        edge_ends.identifier_value_a as linking_identifier_value_a,
        edge_ends.identifier_type_b as linking_identifier_type_b,
        edge_ends.identifier_value_b as linking_identifier_value_b,
        cast(null as {{ dbt.type_string() }}) as linking_rule,
        row_number() over (
            partition by events.surviving_customer_id, events.merged_customer_id
            order by edge_ends.edge_priority, edge_ends.record_count desc, edge_ends.identifier_value_a,
                edge_ends.identifier_value_b
        ) as link_rank
    from events
    inner join edge_ends
        on edge_ends.is_kept
        and edge_ends.current_customer_a = events.surviving_customer_id
        and edge_ends.current_customer_b = events.surviving_customer_id
        and (
            (edge_ends.previous_customer_a = events.merged_customer_id
                and coalesce(edge_ends.previous_customer_b, '') <> events.merged_customer_id)
            or (edge_ends.previous_customer_b = events.merged_customer_id
                and coalesce(edge_ends.previous_customer_a, '') <> events.merged_customer_id)
        )
    where events.event_type = 'merge'
),

{#- A split's link: a dropped edge between the two parts. -#}
split_edge_links as (
    select
        events.surviving_customer_id,
        events.merged_customer_id,
        edge_ends.identifier_type_a as linking_identifier_type_a,
        edge_ends.identifier_value_a as linking_identifier_value_a,
        edge_ends.identifier_type_b as linking_identifier_type_b,
        edge_ends.identifier_value_b as linking_identifier_value_b,
        edge_ends.rule as linking_rule,
        row_number() over (
            partition by events.surviving_customer_id, events.merged_customer_id
            order by edge_ends.edge_priority desc, edge_ends.record_count, edge_ends.identifier_value_a,
                edge_ends.identifier_value_b
        ) as link_rank
    from events
    inner join edge_ends
        on not edge_ends.is_kept
        and (
            (edge_ends.current_customer_a = events.surviving_customer_id
                and edge_ends.current_customer_b = events.merged_customer_id)
            or (edge_ends.current_customer_b = events.surviving_customer_id
                and edge_ends.current_customer_a = events.merged_customer_id)
        )
    where events.event_type = 'split'
),

{#- Otherwise a split's link is an identifier of the old customer that a guard now rejects. -#}
split_identifier_links as (
    select
        events.surviving_customer_id,
        events.merged_customer_id,
        rejected_identifiers.identifier_type as linking_identifier_type_a,
        rejected_identifiers.identifier_value as linking_identifier_value_a,
        cast(null as {{ dbt.type_string() }}) as linking_identifier_type_b,
        cast(null as {{ dbt.type_string() }}) as linking_identifier_value_b,
        rejected_identifiers.rule as linking_rule,
        row_number() over (
            partition by events.surviving_customer_id, events.merged_customer_id
            order by rejected_identifiers.identifier_type, rejected_identifiers.identifier_value
        ) as link_rank
    from events
    inner join previous_assignments on previous_assignments.customer_id = events.surviving_customer_id
    inner join {{ nodes }} as nodes on nodes.identifier_key = previous_assignments.identifier_key
    inner join rejected_identifiers
        on rejected_identifiers.identifier_type = nodes.identifier_type
        and rejected_identifiers.identifier_value = nodes.identifier_value
    where events.event_type = 'split'
),

links as (
    select * from merge_links where link_rank = 1
    union all
    select * from split_edge_links where link_rank = 1
    union all
    select split_identifier_links.*
    from split_identifier_links
    left join split_edge_links
        on split_edge_links.surviving_customer_id = split_identifier_links.surviving_customer_id
        and split_edge_links.merged_customer_id = split_identifier_links.merged_customer_id
    where split_identifier_links.link_rank = 1 and split_edge_links.surviving_customer_id is null
),

final as (
    select
        events.surviving_customer_id,
        events.merged_customer_id,
        events.event_type,
        {{ identity_run_at() }} as merged_at,
        events.identifiers_moved,
        links.linking_identifier_type_a,
        links.linking_identifier_value_a,
        links.linking_identifier_type_b,
        links.linking_identifier_value_b,
        links.linking_rule
    from events
    left join links
        on links.surviving_customer_id = events.surviving_customer_id
        and links.merged_customer_id = events.merged_customer_id
)

select * from final
