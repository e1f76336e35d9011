{#- Customers who opted in to email marketing in the last 30 days and have never ordered: welcome series. -#}

with

customers as (
    select * from {{ ref('customer_traits') }}
),

final as (
    select
        customer_id,
        primary_email,
        first_name,
        consent_email_marketing_updated_at as subscribed_at
    from customers
    where consent_email_marketing
        and orders_count = 0
        and {{ dbt.datediff('consent_email_marketing_updated_at', 'traits_as_of_at', 'day') }} <= 30
        and primary_email is not null
)

select * from final
