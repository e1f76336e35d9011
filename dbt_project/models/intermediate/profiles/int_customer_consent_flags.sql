{#-
  Consent per customer and purpose: the latest change up to the reference time decides. A purpose never
  recorded is not granted. Changes come from `int_consent_changes_unioned` (consent events, ESP
  unsubscribes / spam reports / hard bounces, the CRM's marketing status, Segment identify traits), the
  same signals as the `customer_consent` mart, which holds the current status with defaults.
-#}

{%- set purposes = tessera.consent_purposes() -%}

with

consent_changes as (
    select * from {{ ref('int_consent_changes_unioned') }}
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
        consent_changes.customer_id,
        consent_changes.purpose,
        consent_changes.status,
        consent_changes.occurred_at,
        row_number() over (
            partition by consent_changes.customer_id, consent_changes.purpose
            order by consent_changes.occurred_at desc,
                case when consent_changes.status = 'revoked' then 0 else 1 end,
                consent_changes.consent_change_id
        ) as recency_rank
    from consent_changes
    cross join as_of
    where consent_changes.occurred_at <= as_of.as_of_at
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
