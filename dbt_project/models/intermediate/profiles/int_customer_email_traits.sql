{#-
  Email engagement per customer up to the reference time: deliveries, opens and clicks in the last 30
  and 90 days, the last open or click, and the address-level states that suppress sends (hard bounce,
  unsubscribed unless resubscribed since, spam report). A customer whose ESP events all lie after the
  reference time has a row with none counted.

  Kept per customer (macros/profiles/trait_validity.sql): a build redoes the customers whose records were
  resolved since, and those with an event that the move of the reference time brought in or took out of a
  window.
-#}
{{ config(
    materialized=tessera.upsert_materialization(),
    unique_key=['customer_id'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    post_hook="{{ tessera.delete_rows_not_signed(tessera.profile_traits_signature()) if is_incremental() }}",
) }}

{%- set incremental = tessera.traits_incremental() %}
{%- set hard_bounces = tessera.profile_hard_bounce_events() -%}
{%- set windows = [30, 90] -%}

with

as_of as (
    select * from {{ ref('int_profile_as_of') }}
),

{{ tessera.trait_scope_ctes(incremental) }}

esp_events as (
    select * from {{ ref('stg_esp__email_events') }}
),

record_customers as (
    select * from {{ ref('int_record_customers') }}
    where source = 'esp'
        and {{ tessera.in_customer_scope(incremental, 'customer_id') }}
),

customer_email_events as (
    select
        record_customers.customer_id,
        esp_events.event_type,
        esp_events.occurred_at,
        esp_events.occurred_at <= as_of.as_of_at as is_to_date,
        {{ dbt.datediff('esp_events.occurred_at', 'as_of.as_of_at', 'second') }} as age_seconds
    from esp_events
    inner join record_customers on record_customers.record_id = esp_events.esp_event_id
    cross join as_of
),

per_customer as (
    select
        customer_id,
        {%- for days in windows %}
        {%- for kind, event in [('delivered', 'delivered'), ('opens', 'open'), ('clicks', 'click')] %}
        cast(sum(case when is_to_date and event_type = '{{ event }}' and age_seconds < {{ days * 86400 }}
            then 1 else 0 end) as bigint) as email_{{ kind }}_{{ days }}d,
        {%- endfor %}
        {%- endfor %}
        max(case when is_to_date and event_type in ('open', 'click') then occurred_at end) as last_email_engaged_at,
        max(case when is_to_date and event_type = 'delivered' then occurred_at end) as last_email_delivered_at,
        max(case when is_to_date and event_type in {{ tessera.sql_text_list(hard_bounces) }} then 1 else 0 end)
            as hard_bounced_flag,
        max(case when is_to_date and event_type in ('unsubscribe', 'group_unsubscribe') then occurred_at end)
            as last_unsubscribed_at,
        max(case when is_to_date and event_type = 'group_resubscribe' then occurred_at end) as last_resubscribed_at,
        max(case when is_to_date and event_type = 'spamreport' then 1 else 0 end) as spam_report_flag
        {%- set boundaries = [('occurred_at', none, none)] %}
        {%- for days in windows %}{% do boundaries.append(('occurred_at', days * 86400, none)) %}{% endfor %}
        {{- tessera.validity_columns(boundaries) }}
    from customer_email_events
    cross join as_of
    group by customer_id
),

existing_customers as (
    select customer_id from per_customer
),

customers as (
    {{ tessera.written_customers(incremental) }}
),

final as (
    select
        customers.customer_id,
        per_customer.email_delivered_30d,
        per_customer.email_opens_30d,
        per_customer.email_clicks_30d,
        per_customer.email_delivered_90d,
        per_customer.email_opens_90d,
        per_customer.email_clicks_90d,
        per_customer.last_email_engaged_at,
        per_customer.last_email_delivered_at,
        per_customer.hard_bounced_flag = 1 as is_email_hard_bounced,
        per_customer.last_unsubscribed_at is not null
            and (per_customer.last_resubscribed_at is null
                or per_customer.last_resubscribed_at < per_customer.last_unsubscribed_at)
            as is_email_unsubscribed,
        per_customer.spam_report_flag = 1 as has_email_spam_report
        {{- tessera.trait_stamps('customers.is_customer', 'per_customer._valid_from', 'per_customer._valid_until') }}
    from customers
    cross join resolved_through
    left join per_customer on per_customer.customer_id = customers.customer_id
)

select * from final
