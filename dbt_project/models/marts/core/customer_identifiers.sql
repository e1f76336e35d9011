{#- One row per identifier linked to a customer (rejected identifiers are in identity_rejected_identifiers). -#}

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
