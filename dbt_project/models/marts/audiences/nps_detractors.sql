{#- Suppression list: customers whose latest NPS answer was 0-6. Keep them out of promotions; route to care. -#}

with

customers as (
    select * from {{ ref('customer_traits') }}
),

final as (
    select
        customer_id,
        primary_email,
        latest_nps_score,
        latest_nps_at
    from customers
    where latest_nps_category = 'detractor'
)

select * from final
