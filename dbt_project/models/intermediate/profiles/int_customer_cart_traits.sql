{#-
  Cart state per customer who ever added to cart: the last cart add, whether an order followed it
  (a non-cancelled order in `fct_orders` or a tracked order-completed event, at or after the add), and the
  abandoned cart: the last add has no order after it and is older than `abandon_after_hours`. Audiences
  pick their own window from `hours_since_cart_added`.
-#}

{%- set abandon_seconds = tessera.profile_abandon_after_hours() * 3600 -%}

with

customer_events as (
    select * from {{ ref('fct_customer_events') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

as_of as (
    select * from {{ ref('int_profile_as_of') }}
),

cart_adds as (
    select
        customer_events.customer_id,
        customer_events.occurred_at,
        {{ tessera.json_extract_text('customer_events.properties', ['name']) }} as product_name
    from customer_events
    cross join as_of
    where customer_events.source = 'segment'
        and customer_events.event_type in {{ tessera.sql_text_list(tessera.profile_cart_events()) }}
        and customer_events.occurred_at <= as_of.as_of_at
),

order_moments as (
    select orders.customer_id, orders.ordered_at as ordered_at
    from orders
    cross join as_of
    where orders.customer_id is not null
        and not orders.is_cancelled
        and orders.ordered_at <= as_of.as_of_at
    union all
    select customer_events.customer_id, customer_events.occurred_at as ordered_at
    from customer_events
    cross join as_of
    where customer_events.source = 'segment'
        and customer_events.event_type in {{ tessera.sql_text_list(tessera.profile_order_events()) }}
        and customer_events.occurred_at <= as_of.as_of_at
),

last_orders as (
    select customer_id, max(ordered_at) as last_ordered_at
    from order_moments
    group by customer_id
),

adds_with_orders as (
    select
        cart_adds.customer_id,
        cart_adds.occurred_at,
        cart_adds.product_name,
        last_orders.last_ordered_at
    from cart_adds
    left join last_orders on last_orders.customer_id = cart_adds.customer_id
),

per_customer as (
    select
        customer_id,
        max(occurred_at) as last_cart_added_at,
        max(last_ordered_at) as last_ordered_at,
        cast(sum(case when last_ordered_at is null or occurred_at > last_ordered_at then 1 else 0 end) as bigint)
            as open_cart_adds_count
    from adds_with_orders
    group by customer_id
),

open_cart_products as (
    select distinct customer_id, product_name
    from adds_with_orders
    where (last_ordered_at is null or occurred_at > last_ordered_at) and product_name is not null
),

open_cart_lists as (
    select
        customer_id,
        {{ tessera.sorted_list('product_name') }} as abandoned_cart_products
    from open_cart_products
    group by customer_id
),

final as (
    select
        per_customer.customer_id,
        per_customer.last_cart_added_at,
        {{ dbt.datediff('per_customer.last_cart_added_at', 'as_of.as_of_at', 'hour') }} as hours_since_cart_added,
        (per_customer.last_ordered_at is null or per_customer.last_ordered_at < per_customer.last_cart_added_at)
            and {{ dbt.datediff('per_customer.last_cart_added_at', 'as_of.as_of_at', 'second') }}
                >= {{ abandon_seconds }}
            as has_abandoned_cart,
        per_customer.open_cart_adds_count as abandoned_cart_items,
        open_cart_lists.abandoned_cart_products
    from per_customer
    cross join as_of
    left join open_cart_lists on open_cart_lists.customer_id = per_customer.customer_id
)

select * from final
