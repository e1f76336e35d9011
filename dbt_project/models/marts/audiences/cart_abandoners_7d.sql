{#- Customers whose last cart add, in the last 7 days, has no order after it: the cart reminder. -#}

with

customers as (
    select * from {{ ref('customer_traits') }}
),

final as (
    select
        customer_id,
        primary_email,
        first_name,
        last_cart_added_at,
        abandoned_cart_products
    from customers
    where has_abandoned_cart
        and hours_since_cart_added < 168
        and primary_email is not null
        and not is_email_unsubscribed
        and not is_email_hard_bounced
)

select * from final
