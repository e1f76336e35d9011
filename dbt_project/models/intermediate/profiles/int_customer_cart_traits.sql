{#-
  Cart state per customer who added to cart: the last cart add up to the reference time, whether an order
  followed it (a non-cancelled order in `fct_orders` or a tracked order-completed event, at or after the
  add), and the abandoned cart: the last add has no order after it and is older than
  `abandon_after_hours`. Audiences pick their own window from customer_traits' `hours_since_cart_added`.
  A customer whose cart adds all lie after the reference time has a row with no cart.

  Kept per customer (macros/profiles/trait_validity.sql): a build redoes the customers whose records were
  resolved since, and those with a cart add or order that the move of the reference time brought in, or a
  cart add that it aged past `abandon_after_hours`.
-#}
{{ config(
    materialized=tessera.upsert_materialization(),
    unique_key=['customer_id'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    post_hook="{{ tessera.delete_rows_not_signed(tessera.profile_traits_signature()) if is_incremental() }}",
) }}

{%- set incremental = tessera.traits_incremental() %}
{%- set abandon_seconds = tessera.profile_abandon_after_hours() * 3600 -%}

with

as_of as (
    select * from {{ ref('int_profile_as_of') }}
),

{{ tessera.trait_scope_ctes(incremental) }}

customer_events as (
    select * from {{ ref('fct_customer_events') }}
    where source = 'segment'
        and {{ tessera.in_customer_scope(incremental, 'customer_id') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
    where customer_id is not null
        and {{ tessera.in_customer_scope(incremental, 'customer_id') }}
),

cart_adds as (
    select
        customer_events.customer_id,
        customer_events.occurred_at,
        customer_events.occurred_at <= as_of.as_of_at as is_to_date,
        {{ tessera.json_extract_text('customer_events.properties', ['name']) }} as product_name
    from customer_events
    cross join as_of
    where customer_events.event_type in {{ tessera.sql_text_list(tessera.profile_cart_events()) }}
),

order_moments as (
    select orders.customer_id, orders.ordered_at as ordered_at
    from orders
    where not orders.is_cancelled
    union all
    select customer_events.customer_id, customer_events.occurred_at as ordered_at
    from customer_events
    where customer_events.event_type in {{ tessera.sql_text_list(tessera.profile_order_events()) }}
),

last_orders as (
    select
        order_moments.customer_id,
        max(case when order_moments.ordered_at <= as_of.as_of_at then order_moments.ordered_at end)
            as last_ordered_at
        {{- tessera.validity_columns([('order_moments.ordered_at', none, none)]) }}
    from order_moments
    cross join as_of
    group by order_moments.customer_id
),

adds_with_orders as (
    select
        cart_adds.customer_id,
        cart_adds.occurred_at,
        cart_adds.is_to_date,
        cart_adds.product_name,
        last_orders.last_ordered_at,
        cart_adds.is_to_date and (last_orders.last_ordered_at is null or cart_adds.occurred_at > last_orders.last_ordered_at)
            as is_open
    from cart_adds
    left join last_orders on last_orders.customer_id = cart_adds.customer_id
),

per_customer as (
    select
        adds_with_orders.customer_id,
        max(case when adds_with_orders.is_to_date then adds_with_orders.occurred_at end) as last_cart_added_at,
        max(adds_with_orders.last_ordered_at) as last_ordered_at,
        cast(sum(case when adds_with_orders.is_open then 1 else 0 end) as bigint) as open_cart_adds_count
        {{- tessera.validity_columns([
            ('adds_with_orders.occurred_at', none, none),
            ('adds_with_orders.occurred_at', abandon_seconds, none)]) }}
    from adds_with_orders
    cross join as_of
    group by adds_with_orders.customer_id
),

open_cart_products as (
    select distinct customer_id, product_name
    from adds_with_orders
    where is_open and product_name is not null
),

open_cart_lists as (
    select
        customer_id,
        {{ tessera.sorted_list('product_name') }} as abandoned_cart_products
    from open_cart_products
    group by customer_id
),

existing_customers as (
    select customer_id from per_customer
),

customers as (
    {{ tessera.written_customers(incremental) }}
),

{#- The span also ends at the next order and starts at the last one (last_orders' bounds). -#}
final as (
    select
        customers.customer_id,
        per_customer.last_cart_added_at,
        (per_customer.last_ordered_at is null or per_customer.last_ordered_at < per_customer.last_cart_added_at)
            and {{ dbt.datediff('per_customer.last_cart_added_at', 'as_of.as_of_at', 'second') }}
                >= {{ abandon_seconds }}
            as has_abandoned_cart,
        per_customer.open_cart_adds_count as abandoned_cart_items,
        open_cart_lists.abandoned_cart_products
        {{- tessera.trait_stamps('customers.is_customer',
            tessera.greatest_of(['per_customer._valid_from', 'last_orders._valid_from']),
            tessera.least_of(['per_customer._valid_until', 'last_orders._valid_until'])) }}
    from customers
    cross join resolved_through
    cross join as_of
    left join per_customer on per_customer.customer_id = customers.customer_id
    left join last_orders on last_orders.customer_id = customers.customer_id
    left join open_cart_lists on open_cart_lists.customer_id = customers.customer_id
)

select * from final
