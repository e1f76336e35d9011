{#- Repeat customers (2+ orders) with no order in the last 90 days: win them back before they lapse. -#}

with

customers as (
    select * from {{ ref('customer_traits') }}
),

final as (
    select
        customer_id,
        primary_email,
        first_name,
        orders_count,
        last_order_at,
        days_since_last_order
    from customers
    where orders_count >= 2
        and days_since_last_order > 90
)

select * from final
