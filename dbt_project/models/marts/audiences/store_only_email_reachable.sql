{#- Customers who only ever bought in store and can be emailed: invite them to shop online. -#}

with

customers as (
    select * from {{ ref('customer_traits') }}
),

final as (
    select
        customer_id,
        primary_email,
        first_name,
        store_orders_count,
        city
    from customers
    where store_orders_count > 0
        and online_orders_count = 0
        and primary_email is not null
        and not is_email_unsubscribed
        and not is_email_hard_bounced
)

select * from final
