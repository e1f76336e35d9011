{#- Contacts at B2B accounts (Segment `group` calls) whose job title makes them a decision maker. -#}

with

customers as (
    select * from {{ ref('customer_traits') }}
),

final as (
    select
        customer_id,
        primary_email,
        full_name,
        job_title,
        b2b_account_id,
        b2b_account_name
    from customers
    where b2b_account_id is not null
        and is_decision_maker
)

select * from final
