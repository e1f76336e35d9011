{#-
  Order traits per customer with an order up to the reference time: online and in-store orders together,
  cancelled orders excluded from counts and revenue (counted apart). Revenue is in the reporting currency.
  A customer whose orders all lie after the reference time has a row with no orders.

  Kept per customer (macros/profiles/trait_validity.sql): a build redoes the customers whose records were
  resolved since, and those with an order between the last reference time and the new one; each row holds
  for the reference times in [_valid_from, _valid_until). `days_since_last_order` is measured in
  customer_traits, against the reference time of the build that reads it.
-#}
{{ config(
    materialized=tessera.upsert_materialization(),
    unique_key=['customer_id'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    post_hook="{{ tessera.delete_rows_not_signed(tessera.profile_traits_signature()) if is_incremental() }}",
) }}

{%- set incremental = tessera.traits_incremental() %}
{%- set to_date = 'orders.ordered_at <= as_of.as_of_at' %}

with

as_of as (
    select * from {{ ref('int_profile_as_of') }}
),

{{ tessera.trait_scope_ctes(incremental) }}

orders as (
    select * from {{ ref('fct_orders') }}
    where customer_id is not null
        and {{ tessera.in_customer_scope(incremental, 'customer_id') }}
),

per_customer as (
    select
        orders.customer_id,
        min(case when {{ to_date }} and not orders.is_cancelled then orders.ordered_at end) as first_order_at,
        max(case when {{ to_date }} and not orders.is_cancelled then orders.ordered_at end) as last_order_at,
        cast(sum(case when {{ to_date }} and not orders.is_cancelled then 1 else 0 end) as bigint) as orders_count,
        cast(sum(case when {{ to_date }} and not orders.is_cancelled and orders.channel = 'online' then 1 else 0 end)
            as bigint) as online_orders_count,
        cast(sum(case when {{ to_date }} and not orders.is_cancelled and orders.channel = 'store' then 1 else 0 end)
            as bigint) as store_orders_count,
        cast(sum(case when {{ to_date }} and orders.is_cancelled then 1 else 0 end) as bigint)
            as cancelled_orders_count,
        cast(coalesce(sum(case when {{ to_date }} and not orders.is_cancelled then orders.order_total_reporting end), 0)
            as decimal(18, 2)) as lifetime_revenue
        {{- tessera.validity_columns([('orders.ordered_at', none, none)]) }}
    from orders
    cross join as_of
    group by orders.customer_id
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
        per_customer.first_order_at,
        per_customer.last_order_at,
        per_customer.orders_count,
        per_customer.online_orders_count,
        per_customer.store_orders_count,
        per_customer.cancelled_orders_count,
        per_customer.lifetime_revenue,
        cast(
            case when per_customer.orders_count > 0
                then per_customer.lifetime_revenue / per_customer.orders_count end
            as decimal(18, 2)
        ) as average_order_value
        {{- tessera.trait_stamps('customers.is_customer', 'per_customer._valid_from', 'per_customer._valid_until') }}
    from customers
    cross join resolved_through
    left join per_customer on per_customer.customer_id = customers.customer_id
)

select * from final
