{#-
  Co-occurrence edges: two usable identifiers on one source record are linked (placeholders are left out).
  One row per undirected edge, node_a < node_b, with how many records carry it: a group-by over the
  per-record links, which int_record_links keeps incrementally, less the links of placeholders.
-#}

with

record_links as (
    select * from {{ ref('int_record_links') }}
),

usable_links as (
    {{ identity_usable_links('record_links') }}
),

final as (
    select
        node_a,
        node_b,
        cast(count(*) as {{ dbt.type_bigint() }}) as record_count
    from usable_links
    group by node_a, node_b
)

select * from final
