{#- Customers who bought (online or in store) in the last 30 days: cross-sell and review requests. -#}

with

customers as (
    select * from {{ ref('customer_traits') }}
),

final as (
    select
        customer_id,
        primary_email,
        first_name,
        last_order_at,
        lifetime_revenue
    from customers
    where orders_count > 0
        and days_since_last_order <= 30
)

select * from final
