{#-
  Activity per customer from the timeline up to the reference time: first and last event, the digital
  channels used (web, app), and products viewed and added to cart in the last `profile_recent_days` days.
-#}

{%- set recent_seconds = tessera.profile_recent_days() * 86400 -%}

with

as_of as (
    select * from {{ ref('int_profile_as_of') }}
),

{#-
  The timeline is read twice, from the table itself: through a CTE read twice DuckDB would first copy all of
  it (29M rows at 1M customers, past the memory limit). The spans read every event to date, the recent part
  only the product views and cart adds inside the window, and extracts the product name from those alone.
-#}
per_customer as (
    select
        customer_events.customer_id,
        min(customer_events.occurred_at) as first_event_at,
        max(customer_events.occurred_at) as last_event_at,
        max(case when customer_events.source = 'segment' and customer_events.channel = 'web'
            then customer_events.occurred_at end) as last_web_at,
        max(case when customer_events.source = 'segment' and customer_events.channel = 'app'
            then customer_events.occurred_at end) as last_app_at
    from {{ ref('fct_customer_events') }} as customer_events
    cross join as_of
    where customer_events.occurred_at <= as_of.as_of_at
    group by customer_events.customer_id
),

recent_product_events as (
    select
        customer_events.customer_id,
        customer_events.source,
        customer_events.event_type,
        {{ tessera.json_extract_text('customer_events.properties', ['name']) }} as product_name
    from {{ ref('fct_customer_events') }} as customer_events
    cross join as_of
    where customer_events.occurred_at <= as_of.as_of_at
        and {{ dbt.datediff('customer_events.occurred_at', 'as_of.as_of_at', 'second') }} < {{ recent_seconds }}
        and customer_events.event_type in {{ tessera.sql_text_list(
            tessera.profile_product_view_events() + tessera.profile_cart_events()) }}
),

recent_counts as (
    select
        customer_id,
        count(distinct case
            when event_type in {{ tessera.sql_text_list(tessera.profile_product_view_events()) }}
            then product_name end) as products_viewed_recent_count,
        count(distinct case
            when event_type in {{ tessera.sql_text_list(tessera.profile_cart_events()) }}
            then product_name end) as products_added_recent_count
    from recent_product_events
    group by customer_id
),

recent_products as (
    select distinct
        customer_id,
        case
            when event_type in {{ tessera.sql_text_list(tessera.profile_product_view_events()) }} then 'viewed'
            else 'added'
        end as product_action,
        product_name
    from recent_product_events
    where product_name is not null
        and source = 'segment'
),

recent_product_lists as (
    select
        customer_id,
        {{ tessera.sorted_list("case when product_action = 'viewed' then product_name end") }}
            as recently_viewed_products,
        {{ tessera.sorted_list("case when product_action = 'added' then product_name end") }}
            as recently_added_products
    from recent_products
    group by customer_id
),

final as (
    select
        per_customer.customer_id,
        per_customer.first_event_at,
        per_customer.last_event_at,
        per_customer.last_web_at,
        per_customer.last_app_at,
        per_customer.last_web_at is not null as uses_web,
        per_customer.last_app_at is not null as uses_app,
        coalesce(recent_counts.products_viewed_recent_count, 0) as products_viewed_recent_count,
        coalesce(recent_counts.products_added_recent_count, 0) as products_added_recent_count,
        recent_product_lists.recently_viewed_products,
        recent_product_lists.recently_added_products
    from per_customer
    left join recent_counts on recent_counts.customer_id = per_customer.customer_id
    left join recent_product_lists on recent_product_lists.customer_id = per_customer.customer_id
)

select * from final
