{#-
  Support per customer up to the reference time: tickets raised, tickets still open, the last ticket and
  CSAT (the share of rated tickets rated good, 0-100).
-#}

with

tickets as (
    select * from {{ ref('stg_zendesk__tickets') }}
),

record_customers as (
    select * from {{ ref('int_record_customers') }}
),

as_of as (
    select * from {{ ref('int_profile_as_of') }}
),

customer_tickets as (
    select
        record_customers.customer_id,
        tickets.ticket_id,
        tickets.created_at,
        tickets.status,
        tickets.satisfaction_score
    from tickets
    inner join record_customers
        on record_customers.source = 'zendesk'
        and record_customers.record_id = tickets.zendesk_user_id
    cross join as_of
    where tickets.created_at <= as_of.as_of_at
),

per_customer as (
    select
        customer_id,
        cast(count(*) as bigint) as support_tickets_count,
        cast(sum(case when status in ('new', 'open', 'pending', 'hold') then 1 else 0 end) as bigint) as open_tickets_count,
        max(created_at) as last_ticket_at,
        cast(sum(case when satisfaction_score = 'good' then 1 else 0 end) as bigint) as csat_good_count,
        cast(sum(case when satisfaction_score = 'bad' then 1 else 0 end) as bigint) as csat_bad_count
    from customer_tickets
    group by customer_id
),

final as (
    select
        customer_id,
        support_tickets_count,
        open_tickets_count,
        last_ticket_at,
        csat_good_count,
        csat_bad_count,
        cast(
            case when csat_good_count + csat_bad_count > 0
                then 100.0 * csat_good_count / (csat_good_count + csat_bad_count) end
            as decimal(5, 1)
        ) as csat_pct
    from per_customer
)

select * from final
