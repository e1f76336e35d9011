{#- Customers who opened or clicked an email in the last 30 days: the most receptive email audience. -#}

with

customers as (
    select * from {{ ref('customer_traits') }}
),

final as (
    select
        customer_id,
        primary_email,
        first_name,
        email_opens_30d,
        email_clicks_30d,
        last_email_engaged_at
    from customers
    where email_opens_30d + email_clicks_30d > 0
        and not is_email_unsubscribed
        and not is_email_hard_bounced
)

select * from final
