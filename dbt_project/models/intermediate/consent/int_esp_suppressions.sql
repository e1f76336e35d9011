{#-
  Email addresses the ESP says must not be mailed: hard bounces (`consent_hard_bounce_events()`) and spam
  reports, one row per address and reason, suppressed since the first such event.
-#}

{%- set hard_bounces = consent_hard_bounce_events() -%}

with

esp_events as (
    select * from {{ ref('stg_esp__email_events') }}
),

suppressing_events as (
    select
        email,
        case when event_type = 'spamreport' then 'spam_complaint' else 'hard_bounce' end as reason,
        occurred_at
    from esp_events
    where email is not null
        and (event_type = 'spamreport' or event_type in {{ consent_in_list(hard_bounces) }})
),

final as (
    select
        'email' as identifier_type,
        email as identifier_value,
        reason,
        min(occurred_at) as suppressed_at
    from suppressing_events
    group by email, reason
)

select * from final
