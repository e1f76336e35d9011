{#- The hook creates the audience history tables before audiences (which read this model) run in parallel. -#}
{{ config(post_hook="{{ tessera.audience_ensure_history_tables() }}") }}

{#-
  One row per customer: the golden record (each attribute with its source and time) and every trait,
  measured at `traits_as_of_at`, then the identity summary: first and last seen, and how many identifiers of
  each type the customer holds. `customer_profiles` (a view) publishes the same columns, the summary next to
  the name and contacts; audiences read either. Counts are 0 and flags false for customers with no activity
  of a kind. The summary's columns are NULL only for a customer with no identifiers, which cannot happen
  (customer_profiles' test on `identifier_count` says so).
-#}

{%- set purposes = tessera.consent_purposes() -%}
{%- set identifier_types = identity_type_priority().keys() | list -%}
{%- set golden_columns = [
    'customer_id',
    'first_name', 'first_name_source', 'first_name_updated_at',
    'last_name', 'last_name_source', 'last_name_updated_at', 'full_name',
    'primary_email', 'primary_email_source', 'primary_email_updated_at',
    'primary_phone', 'primary_phone_source', 'primary_phone_updated_at',
    'address_line1', 'address_line1_source', 'address_line1_updated_at',
    'city', 'city_source', 'city_updated_at',
    'postal_code', 'postal_code_source', 'postal_code_updated_at',
    'country_code', 'country_code_source', 'country_code_updated_at',
    'all_emails', 'all_phones'] -%}

with

golden_records as (
    select * from {{ ref('int_customer_golden_records') }}
),

order_traits as (
    select * from {{ ref('int_customer_order_traits') }}
),

rfm as (
    select * from {{ ref('int_customer_rfm') }}
),

email_traits as (
    select * from {{ ref('int_customer_email_traits') }}
),

cart_traits as (
    select * from {{ ref('int_customer_cart_traits') }}
),

activity_traits as (
    select * from {{ ref('int_customer_activity_traits') }}
),

support_traits as (
    select * from {{ ref('int_customer_support_traits') }}
),

nps_traits as (
    select * from {{ ref('int_customer_nps_traits') }}
),

consent_flags as (
    select * from {{ ref('int_customer_consent_flags') }}
),

b2b_accounts as (
    select * from {{ ref('int_customer_b2b_accounts') }}
),

as_of as (
    select * from {{ ref('int_profile_as_of') }}
),

customer_identifiers as (
    select * from {{ ref('customer_identifiers') }}
),

customer_summary as (
    select
        customer_id,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at,
        count(*) as identifier_count
        {%- for t in identifier_types %},
        count(case when identifier_type = '{{ t }}' then 1 end) as {{ t }}_count
        {%- endfor %}
    from customer_identifiers
    group by customer_id
),

joined as (
    select
        {#- The golden record's columns, without its stamps (_resolved_through, _settings_signature). #}
        {%- for column in golden_columns %}
        golden_records.{{ column }},
        {%- endfor %}
        activity_traits.first_event_at,
        activity_traits.last_event_at,
        order_traits.first_order_at,
        order_traits.last_order_at,
        coalesce(order_traits.orders_count, 0) as orders_count,
        coalesce(order_traits.online_orders_count, 0) as online_orders_count,
        coalesce(order_traits.store_orders_count, 0) as store_orders_count,
        coalesce(order_traits.cancelled_orders_count, 0) as cancelled_orders_count,
        coalesce(order_traits.lifetime_revenue, 0) as lifetime_revenue,
        order_traits.average_order_value,
        order_traits.days_since_last_order,
        rfm.rfm_recency_score,
        rfm.rfm_frequency_score,
        rfm.rfm_monetary_score,
        rfm.rfm_score,
        rfm.rfm_segment,
        coalesce(activity_traits.uses_web, false) as uses_web,
        coalesce(activity_traits.uses_app, false) as uses_app,
        coalesce(order_traits.store_orders_count, 0) > 0 as uses_store,
        email_traits.last_email_engaged_at is not null as uses_email,
        coalesce(email_traits.email_delivered_30d, 0) as email_delivered_30d,
        coalesce(email_traits.email_opens_30d, 0) as email_opens_30d,
        coalesce(email_traits.email_clicks_30d, 0) as email_clicks_30d,
        coalesce(email_traits.email_delivered_90d, 0) as email_delivered_90d,
        coalesce(email_traits.email_opens_90d, 0) as email_opens_90d,
        coalesce(email_traits.email_clicks_90d, 0) as email_clicks_90d,
        email_traits.last_email_engaged_at,
        email_traits.last_email_delivered_at,
        coalesce(email_traits.is_email_hard_bounced, false) as is_email_hard_bounced,
        coalesce(email_traits.is_email_unsubscribed, false) as is_email_unsubscribed,
        coalesce(email_traits.has_email_spam_report, false) as has_email_spam_report,
        coalesce(support_traits.support_tickets_count, 0) as support_tickets_count,
        coalesce(support_traits.open_tickets_count, 0) as open_tickets_count,
        support_traits.last_ticket_at,
        support_traits.csat_pct,
        nps_traits.latest_nps_score,
        nps_traits.latest_nps_category,
        nps_traits.latest_nps_at,
        coalesce(activity_traits.products_viewed_recent_count, 0) as products_viewed_recent_count,
        coalesce(activity_traits.products_added_recent_count, 0) as products_added_recent_count,
        activity_traits.recently_viewed_products,
        activity_traits.recently_added_products,
        cart_traits.last_cart_added_at,
        cart_traits.hours_since_cart_added,
        coalesce(cart_traits.has_abandoned_cart, false) as has_abandoned_cart,
        case when cart_traits.has_abandoned_cart then cart_traits.abandoned_cart_items else 0 end
            as abandoned_cart_items,
        case when cart_traits.has_abandoned_cart then cart_traits.abandoned_cart_products end
            as abandoned_cart_products,
        b2b_accounts.b2b_account_id,
        b2b_accounts.b2b_account_name,
        b2b_accounts.b2b_industry,
        b2b_accounts.job_title,
        coalesce(b2b_accounts.is_decision_maker, false) as is_decision_maker
        {%- for purpose in purposes %},
        coalesce(consent_flags.consent_{{ purpose }}, false) as consent_{{ purpose }},
        coalesce(consent_flags.consent_{{ purpose }}_status, 'unknown') as consent_{{ purpose }}_status,
        consent_flags.consent_{{ purpose }}_updated_at
        {%- endfor %},
        as_of.as_of_at as traits_as_of_at
    from golden_records
    cross join as_of
    left join order_traits on order_traits.customer_id = golden_records.customer_id
    left join rfm on rfm.customer_id = golden_records.customer_id
    left join email_traits on email_traits.customer_id = golden_records.customer_id
    left join cart_traits on cart_traits.customer_id = golden_records.customer_id
    left join activity_traits on activity_traits.customer_id = golden_records.customer_id
    left join support_traits on support_traits.customer_id = golden_records.customer_id
    left join nps_traits on nps_traits.customer_id = golden_records.customer_id
    left join consent_flags on consent_flags.customer_id = golden_records.customer_id
    left join b2b_accounts on b2b_accounts.customer_id = golden_records.customer_id
),

{%- set channel_list = dbt.concat([
    "case when uses_web then 'web,' else '' end",
    "case when uses_app then 'app,' else '' end",
    "case when uses_store then 'store,' else '' end",
    "case when uses_email then 'email,' else '' end"]) %}

final as (
    select
        joined.*,
        nullif({{ tessera.regex_replace_all(channel_list, ',$', '') }}, '') as channels_used
        {%- for column in tessera.profile_identity_summary_columns() %},
        customer_summary.{{ column }}
        {%- endfor %}
    from joined
    left join customer_summary on customer_summary.customer_id = joined.customer_id
)

select * from final
