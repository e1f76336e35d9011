{#-
  Consent per customer and purpose: the latest change up to the reference time decides. A purpose never
  recorded is not granted. (The privacy work builds `customer_consent` with full history; this is the
  simple flag set profiles and audiences need.)
-#}

{%- set purposes = tessera.profile_consent_purposes() -%}

with

consent_events as (
    select * from {{ ref('stg_consent__events') }}
),

record_customers as (
    select * from {{ ref('int_record_customers') }}
),

customer_identifiers as (
    select * from {{ ref('customer_identifiers') }}
),

as_of as (
    select * from {{ ref('int_profile_as_of') }}
),

customers as (
    select distinct customer_id from customer_identifiers
),

customer_changes as (
    select
        record_customers.customer_id,
        consent_events.purpose,
        consent_events.status,
        consent_events.occurred_at,
        row_number() over (
            partition by record_customers.customer_id, consent_events.purpose
            order by consent_events.occurred_at desc,
                case when consent_events.status = 'revoked' then 0 else 1 end,
                consent_events.consent_event_id
        ) as recency_rank
    from consent_events
    inner join record_customers
        on record_customers.source = 'consent'
        and record_customers.record_id = consent_events.consent_event_id
    cross join as_of
    where consent_events.occurred_at <= as_of.as_of_at
),

latest_changes as (
    select * from customer_changes where recency_rank = 1
),

final as (
    select
        customers.customer_id
        {%- for purpose in purposes %},
        coalesce(max(case when latest_changes.purpose = '{{ purpose }}' then latest_changes.status end), 'unknown')
            as consent_{{ purpose }}_status,
        coalesce(max(case when latest_changes.purpose = '{{ purpose }}' and latest_changes.status = 'granted'
            then 1 else 0 end), 0) = 1 as consent_{{ purpose }},
        max(case when latest_changes.purpose = '{{ purpose }}' then latest_changes.occurred_at end)
            as consent_{{ purpose }}_updated_at
        {%- endfor %}
    from customers
    left join latest_changes on latest_changes.customer_id = customers.customer_id
    group by customers.customer_id
)

select * from final
