{#-
  Order traits per customer with at least one order up to the reference time: online and in-store orders
  together, cancelled orders excluded from counts and revenue (counted apart). Revenue is in the reporting
  currency.
-#}

with

orders as (
    select * from {{ ref('fct_orders') }}
),

as_of as (
    select * from {{ ref('int_profile_as_of') }}
),

orders_to_date as (
    select orders.*
    from orders
    cross join as_of
    where orders.customer_id is not null
        and orders.ordered_at <= as_of.as_of_at
),

per_customer as (
    select
        customer_id,
        min(case when not is_cancelled then ordered_at end) as first_order_at,
        max(case when not is_cancelled then ordered_at end) as last_order_at,
        cast(sum(case when not is_cancelled then 1 else 0 end) as bigint) as orders_count,
        cast(sum(case when not is_cancelled and channel = 'online' then 1 else 0 end) as bigint) as online_orders_count,
        cast(sum(case when not is_cancelled and channel = 'store' then 1 else 0 end) as bigint) as store_orders_count,
        cast(sum(case when is_cancelled then 1 else 0 end) as bigint) as cancelled_orders_count,
        cast(coalesce(sum(case when not is_cancelled then order_total_reporting end), 0) as decimal(18, 2))
            as lifetime_revenue
    from orders_to_date
    group by customer_id
),

final as (
    select
        per_customer.customer_id,
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
        ) as average_order_value,
        {{ dbt.datediff('per_customer.last_order_at', 'as_of.as_of_at', 'day') }} as days_since_last_order
    from per_customer
    cross join as_of
)

select * from final
