{#- Customers who bought both online and in store: the most valuable behaviour to recognise. -#}

with

customers as (
    select * from {{ ref('customer_traits') }}
),

final as (
    select
        customer_id,
        primary_email,
        first_name,
        online_orders_count,
        store_orders_count,
        lifetime_revenue
    from customers
    where online_orders_count > 0
        and store_orders_count > 0
)

select * from final
