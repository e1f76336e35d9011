{#-
  The links each source record makes: one row per pair of identifiers it carries (node_a < node_b), kept
  incrementally so a build only looks at the records written since. Placeholders are left in: the guard
  lists are settings that may change between builds, so int_identity_edges and int_identity_aliases drop
  the pairs touching an identifier blocked now (the pairs of the others are what is left).

  Most linking records carry two or three identifiers: their pairs come from one group-by (min, max and
  sum of their node ids), no self-join. Only the few records with more are expanded pair by pair.

  Incremental: reads the identifier rows int_identifiers_unioned wrote since the newest `_identified_at`
  here and replaces those records' rows (delete+insert). A rewritten record with fewer than two
  identifiers left gets one placeholder row (NULL nodes) so its old links are deleted; the post-hook drops
  the placeholders, and any row older than the oldest identifier row (a record that left the identifier
  table when it was rebuilt from scratch).
-#}
{{ config(
    materialized=tessera.upsert_materialization(),
    unique_key=['source', 'record_id'],
    incremental_strategy='delete+insert',
    on_schema_change='sync_all_columns',
    post_hook="{{ tessera.delete_stale_record_links() if is_incremental() }}",
) }}

{#- The identifier rows to link, read from the table in each part below: through one CTE read twice,
    DuckDB would first copy every identifier row (1M customers: 54M rows). -#}
{%- set identifiers -%}
    (
        select source, record_id, node_id, identifier_type, _identified_at
        from {{ ref('int_identifiers_unioned') }}
        {%- if is_incremental() %}
        where _identified_at > {{ last_build_watermark('_identified_at') }}
        {%- endif %}
    ) as identifiers
{%- endset %}

with

records_sized as (
    select
        source,
        record_id,
        max(_identified_at) as _identified_at,
        count(*) as node_count,
        sum(case when identifier_type = 'user_id' then 1 else 0 end) as user_id_count,
        min(node_id) as min_node_id,
        max(node_id) as max_node_id,
        sum(node_id) as node_id_sum,
        min(case when identifier_type = 'user_id' then node_id end) as min_user_node_id,
        max(case when identifier_type = 'user_id' then node_id end) as max_user_node_id
    from {{ identifiers }}
    group by source, record_id
),

{#- A record with two or three identifiers (at 1M customers, all but 0.4M of 30M records) gets its pairs
    from its aggregates, without a self-join: the middle of three nodes is their sum minus the two ends.
    Slot 1 is (lowest, highest), 2 (lowest, middle), 3 (middle, highest). A pair is of two user ids when
    every node is one, or when there are two and the pair is those two. The sum is a 128-bit integer on
    DuckDB (numeric on Postgres): the node ids are cast back to BIGINT, or every edge table downstream
    would join and group 128-bit ids (40% slower at 1M customers). -#}
small_record_links as (
    select
        source,
        record_id,
        node_a,
        node_b,
        user_id_count = node_count
            or (user_id_count = 2 and node_a = min_user_node_id and node_b = max_user_node_id) as is_user_id_pair,
        _identified_at
    from (
        select
            records_sized.*,
            cast(case when unpivot_slots.slot = 3 then node_id_sum - min_node_id - max_node_id
                else min_node_id end as {{ dbt.type_bigint() }}) as node_a,
            cast(case when unpivot_slots.slot = 2 then node_id_sum - min_node_id - max_node_id
                else max_node_id end as {{ dbt.type_bigint() }}) as node_b
        from records_sized
        cross join {{ tessera.unpivot_slots(['lowest_highest', 'lowest_middle', 'middle_highest']) }}
        where records_sized.node_count = 3
            or (records_sized.node_count = 2 and unpivot_slots.slot = 1)
    ) as record_pairs
),

{#- The few records with more identifiers are expanded pair by pair. -#}
wide_record_nodes as (
    select identifiers.*
    from {{ identifiers }}
    inner join records_sized
        on records_sized.source = identifiers.source
        and records_sized.record_id = identifiers.record_id
    where records_sized.node_count > 3
),

wide_links as (
    select
        end_a.source,
        end_a.record_id,
        end_a.node_id as node_a,
        end_b.node_id as node_b,
        end_a.identifier_type = 'user_id' and end_b.identifier_type = 'user_id' as is_user_id_pair,
        end_a._identified_at
    from wide_record_nodes as end_a
    inner join wide_record_nodes as end_b
        on end_b.source = end_a.source
        and end_b.record_id = end_a.record_id
        and end_b.node_id > end_a.node_id
),

final as (
    select source, record_id, node_a, node_b, is_user_id_pair, _identified_at from small_record_links
    union all
    select source, record_id, node_a, node_b, is_user_id_pair, _identified_at from wide_links
    {%- if is_incremental() %}
    union all
    {#- A rewritten record left without links: the placeholder deletes its old rows. #}
    select
        source,
        record_id,
        cast(null as {{ dbt.type_bigint() }}) as node_a,
        cast(null as {{ dbt.type_bigint() }}) as node_b,
        false as is_user_id_pair,
        max(_identified_at) as _identified_at
    from {{ identifiers }}
    where not exists (
        select 1 from records_sized
        where records_sized.source = identifiers.source
            and records_sized.record_id = identifiers.record_id
            and records_sized.node_count >= 2
    )
    group by source, record_id
    {%- endif %}
)

select * from final
