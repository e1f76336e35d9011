{#- Customers who bought before but not in the last 365 days: reactivation offers. -#}

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
        days_since_last_order
    from customers
    where orders_count >= 1
        and days_since_last_order > 365
)

select * from final
