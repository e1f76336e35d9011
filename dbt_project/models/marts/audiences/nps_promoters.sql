{#- Customers whose latest NPS answer was 9-10: ask them for referrals and reviews. -#}

with

customers as (
    select * from {{ ref('customer_traits') }}
),

final as (
    select
        customer_id,
        primary_email,
        first_name,
        latest_nps_score,
        latest_nps_at
    from customers
    where latest_nps_category = 'promoter'
        and primary_email is not null
)

select * from final
