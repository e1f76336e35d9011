{#-
  One row per identifier linked to a customer (rejected identifiers are in identity_rejected_identifiers).
  A view: it only renames and drops columns of int_identity_current_assignments, which is kept
  incrementally; as a table it was copied whole in every build (4.5M rows, about 4 s at 1M customers).
-#}
{{ config(materialized='view') }}

with

current_assignments as (
    select * from {{ ref('int_identity_current_assignments') }}
),

final as (
    select
        customer_id,
        identifier_type,
        identifier_value,
        first_seen_at,
        last_seen_at,
        record_count,
        source_count,
        sources
    from current_assignments
)

select * from final
