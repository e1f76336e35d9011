{#-
  The customer of every source record, kept incrementally; int_record_customers (a view) publishes the
  records that resolve. A Segment event under an anonymous id resolves through that id, so browsing before
  the person identified is theirs retroactively. When a record's identifiers sit in different customers
  (the per-customer limits dropped the link between them) the strongest identifier decides, then the one
  carried by more records.

  Incremental: a record's customer depends on its identifiers, their current customers and, only when its
  identifiers sit in several customers, their record counts. So a build re-resolves the records whose
  identifier rows were written since the last build (`_identified_at`), those carrying an identifier that
  changed customer since then (a history row after the newest `resolved_at` here) and those carrying an
  end of a dropped link (the only records whose identifiers can sit in several customers) whose node was
  aggregated again since then, and replaces them (delete+insert), keeping the customer each
  leaves in `previous_customer_id` (how the per-customer marts find whom to redo). A record that no longer
  resolves is kept with a NULL customer_id, stamped like the others, so the incremental timeline sees it
  go. A customer that no longer exists lost every identifier through history rows, so all its records are
  re-resolved; a forgotten person's rows are deleted by the privacy scrub, not here. A full refresh gives
  the same resolving rows (tests/identity).
-#}
{{ config(
    materialized=tessera.upsert_materialization(),
    unique_key=['source', 'record_id'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
) }}

-- depends_on: {{ ref('int_identity_assignment_history') }}
-- depends_on: {{ ref('int_identity_edges_resolved') }}
-- depends_on: {{ ref('int_identity_nodes') }}

{%- set resolved_watermark = last_build_watermark('resolved_at') if is_incremental() else none %}

with

identifiers as (
    select * from {{ ref('int_identifiers_unioned') }}
),

current_assignments as (
    select * from {{ ref('int_identity_current_assignments') }}
),

{% if is_incremental() %}

history as (
    select * from {{ ref('int_identity_assignment_history') }}
),

edges_resolved as (
    select * from {{ ref('int_identity_edges_resolved') }}
),

nodes as (
    select * from {{ ref('int_identity_nodes') }}
),

{#- Only a record with identifiers at both ends of a link the limits dropped can be contested; there the
    winner also depends on each node's type priority and record count, which change only when the node is
    aggregated again (`_updated_at`). The ends of the other dropped links give their records the answer
    they already have. -#}
dropped_link_ends as (
    select node_a as node_id from edges_resolved where not is_kept
    union
    select node_b as node_id from edges_resolved where not is_kept
),

touched_nodes as (
    select nodes.node_id
    from history
    inner join nodes on nodes.identifier_key = history.identifier_key
    where history.assigned_at > {{ resolved_watermark }}
    union
    {#- The nodes table itself: through the CTE `nodes`, read twice, DuckDB would first copy every node. #}
    select updated_nodes.node_id
    from {{ ref('int_identity_nodes') }} as updated_nodes
    inner join dropped_link_ends on dropped_link_ends.node_id = updated_nodes.node_id
    where updated_nodes._updated_at > {{ resolved_watermark }}
),

{#- One pass over the identifier rows: those written since, or carrying a touched node. It reads the table
    itself: through the CTE `identifiers`, read again below, DuckDB would first copy every row. -#}
affected_records as (
    select distinct source, record_id
    from {{ ref('int_identifiers_unioned') }}
    where _identified_at > {{ resolved_watermark }}
        or node_id in (select node_id from touched_nodes)
),

record_identifiers as (
    select identifiers.*
    from identifiers
    inner join affected_records
        on affected_records.source = identifiers.source
        and affected_records.record_id = identifiers.record_id
),

{% else %}

record_identifiers as (
    select * from identifiers
),

{% endif %}

{#-
    The order candidates win in: the strongest identifier type, then the identifier carried by more records,
    then the smaller customer id and node id (so a tie never depends on how rows arrive). Ranking the nodes
    once and taking each record's best rank with `min` groups the identifier rows by record on an integer,
    instead of a window that sorts every record's rows (at 1M customers, 55M rows: the window was most of a
    full build of this model). An incremental build ranks only the nodes of the records it re-resolves.
-#}
ranked_nodes as (
    select
        node_id,
        customer_id,
        identifier_type,
        row_number() over (
            order by type_priority, record_count desc, customer_id, node_id
        ) as node_rank
    from current_assignments
    where customer_id is not null
    {%- if is_incremental() %}
        and node_id in (select node_id from record_identifiers)
    {%- endif %}
),

{#- A left join in an incremental build: a record left with no customer must replace its old row. -#}
record_winners as (
    select
        record_identifiers.source,
        record_identifiers.record_id,
        min(ranked_nodes.node_rank) as node_rank,
        max(record_identifiers._loaded_at) as _loaded_at
    from record_identifiers
    {{ 'left' if is_incremental() else 'inner' }} join ranked_nodes
        on ranked_nodes.node_id = record_identifiers.node_id
    group by record_identifiers.source, record_identifiers.record_id
),

resolved as (
    select
        record_winners.source,
        record_winners.record_id,
        ranked_nodes.customer_id,
        ranked_nodes.identifier_type as resolved_by,
        record_winners._loaded_at
    from record_winners
    left join ranked_nodes on ranked_nodes.node_rank = record_winners.node_rank
),

{% if is_incremental() %}

kept as (
    select source, record_id, customer_id from {{ this }}
),

{% endif %}

{#- In an incremental build, the customer each re-resolved record leaves (the per-customer marts redo it). -#}
final as (
    select
        resolved.source,
        resolved.record_id,
        resolved.customer_id,
        resolved.resolved_by,
        resolved._loaded_at,
        {{ identity_run_at() }} as resolved_at,
        {{ 'kept.customer_id' if is_incremental() else 'cast(null as ' ~ dbt.type_string() ~ ')' }}
            as previous_customer_id
    from resolved
    {%- if is_incremental() %}
    left join kept
        on kept.source = resolved.source
        and kept.record_id = resolved.record_id
    {%- endif %}
)

select * from final
