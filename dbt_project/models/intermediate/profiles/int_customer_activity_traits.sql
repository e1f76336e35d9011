{#-
  Activity per customer from the timeline up to the reference time: first and last event, the digital
  channels used (web, app), and products viewed and added to cart in the last `profile_recent_days` days.
  A customer whose events all lie after the reference time has a row with no activity.

  Kept per customer (macros/profiles/trait_validity.sql): a build redoes the customers whose records were
  resolved since, and those with an event that the move of the reference time brought in, or a product
  view or cart add that it brought into or took out of the recent window.
-#}
{{ config(
    materialized=tessera.upsert_materialization(),
    unique_key=['customer_id'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    post_hook="{{ tessera.delete_rows_not_signed(tessera.profile_traits_signature()) if is_incremental() }}",
) }}

{%- set incremental = tessera.traits_incremental() %}
{%- set recent_seconds = tessera.profile_recent_days() * 86400 -%}
{%- set product_events = tessera.profile_product_view_events() + tessera.profile_cart_events() -%}
{%- set to_date = 'customer_events.occurred_at <= as_of.as_of_at' %}

with

as_of as (
    select * from {{ ref('int_profile_as_of') }}
),

{{ tessera.trait_scope_ctes(incremental) }}

{#-
  The timeline is read twice, from the table itself: through a CTE read twice DuckDB would first copy all of
  it (29M rows at 1M customers, past the memory limit). The spans read every event, the recent part only
  the product views and cart adds inside the window, and extracts the product name from those alone.
-#}
per_customer as (
    select
        customer_events.customer_id,
        min(case when {{ to_date }} then customer_events.occurred_at end) as first_event_at,
        max(case when {{ to_date }} then customer_events.occurred_at end) as last_event_at,
        max(case when {{ to_date }} and customer_events.source = 'segment' and customer_events.channel = 'web'
            then customer_events.occurred_at end) as last_web_at,
        max(case when {{ to_date }} and customer_events.source = 'segment' and customer_events.channel = 'app'
            then customer_events.occurred_at end) as last_app_at
        {{- tessera.validity_columns([
            ('customer_events.occurred_at', none, none),
            ('customer_events.occurred_at', recent_seconds,
                'customer_events.event_type in ' ~ tessera.sql_text_list(product_events))]) }}
    from {{ ref('fct_customer_events') }} as customer_events
    cross join as_of
    where {{ tessera.in_customer_scope(incremental, 'customer_events.customer_id') }}
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
    where {{ to_date }}
        and {{ dbt.datediff('customer_events.occurred_at', 'as_of.as_of_at', 'second') }} < {{ recent_seconds }}
        and customer_events.event_type in {{ tessera.sql_text_list(product_events) }}
        and {{ tessera.in_customer_scope(incremental, 'customer_events.customer_id') }}
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

existing_customers as (
    select customer_id from per_customer
),

customers as (
    {{ tessera.written_customers(incremental) }}
),

final as (
    select
        customers.customer_id,
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
        {{- tessera.trait_stamps('customers.is_customer', 'per_customer._valid_from', 'per_customer._valid_until') }}
    from customers
    cross join resolved_through
    left join per_customer on per_customer.customer_id = customers.customer_id
    left join recent_counts on recent_counts.customer_id = customers.customer_id
    left join recent_product_lists on recent_product_lists.customer_id = customers.customer_id
)

select * from final
