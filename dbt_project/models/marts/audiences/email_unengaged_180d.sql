{#-
  Suppression list: customers who get email but have not opened or clicked in 180 days, or whose address
  hard bounced or reported spam. Exclude them from sends to protect deliverability.
-#}

with

customers as (
    select * from {{ ref('customer_traits') }}
),

final as (
    select
        customer_id,
        primary_email,
        last_email_engaged_at,
        last_email_delivered_at,
        is_email_hard_bounced,
        has_email_spam_report
    from customers
    where is_email_hard_bounced
        or has_email_spam_report
        or (
            last_email_delivered_at is not null
            and (
                last_email_engaged_at is null
                or {{ dbt.datediff('last_email_engaged_at', 'traits_as_of_at', 'day') }} > 180
            )
        )
)

select * from final
