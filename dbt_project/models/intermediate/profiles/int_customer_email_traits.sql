{#-
  Email engagement per customer up to the reference time: deliveries, opens and clicks in the last 30
  and 90 days, the last open or click, and the address-level states that suppress sends (hard bounce,
  unsubscribed unless resubscribed since, spam report).
-#}

{%- set hard_bounces = tessera.profile_hard_bounce_events() -%}

with

esp_events as (
    select * from {{ ref('stg_esp__email_events') }}
),

record_customers as (
    select * from {{ ref('int_record_customers') }}
),

as_of as (
    select * from {{ ref('int_profile_as_of') }}
),

customer_email_events as (
    select
        record_customers.customer_id,
        esp_events.event_type,
        esp_events.occurred_at,
        {{ dbt.datediff('esp_events.occurred_at', 'as_of.as_of_at', 'second') }} as age_seconds
    from esp_events
    inner join record_customers
        on record_customers.source = 'esp'
        and record_customers.record_id = esp_events.esp_event_id
    cross join as_of
    where esp_events.occurred_at <= as_of.as_of_at
),

per_customer as (
    select
        customer_id,
        {%- for days in [30, 90] %}
        {%- for kind, event in [('delivered', 'delivered'), ('opens', 'open'), ('clicks', 'click')] %}
        cast(sum(case when event_type = '{{ event }}' and age_seconds < {{ days * 86400 }} then 1 else 0 end) as bigint)
            as email_{{ kind }}_{{ days }}d,
        {%- endfor %}
        {%- endfor %}
        max(case when event_type in ('open', 'click') then occurred_at end) as last_email_engaged_at,
        max(case when event_type = 'delivered' then occurred_at end) as last_email_delivered_at,
        max(case when event_type in {{ tessera.sql_text_list(hard_bounces) }} then 1 else 0 end)
            as hard_bounced_flag,
        max(case when event_type in ('unsubscribe', 'group_unsubscribe') then occurred_at end)
            as last_unsubscribed_at,
        max(case when event_type = 'group_resubscribe' then occurred_at end) as last_resubscribed_at,
        max(case when event_type = 'spamreport' then 1 else 0 end) as spam_report_flag
    from customer_email_events
    group by customer_id
),

final as (
    select
        customer_id,
        email_delivered_30d,
        email_opens_30d,
        email_clicks_30d,
        email_delivered_90d,
        email_opens_90d,
        email_clicks_90d,
        last_email_engaged_at,
        last_email_delivered_at,
        hard_bounced_flag = 1 as is_email_hard_bounced,
        last_unsubscribed_at is not null
            and (last_resubscribed_at is null or last_resubscribed_at < last_unsubscribed_at)
            as is_email_unsubscribed,
        spam_report_flag = 1 as has_email_spam_report
    from per_customer
)

select * from final
