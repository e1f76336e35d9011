{#-
  One row per order, online (Shopify) and in store (a POS transaction, its lines summed). The customer is
  the one `int_record_customers` gives the order (a store transaction: its lines' customer; a till sale
  with no identifier has none). Amounts stay in the order's currency and are also converted to the
  reporting currency with the static rates of `profile_fx_rates`.
-#}

with

shopify_orders as (
    select * from {{ ref('stg_shopify__orders') }}
),

pos_sale_lines as (
    select * from {{ ref('stg_pos__sale_lines') }}
),

record_customers as (
    select * from {{ ref('int_record_customers') }}
),

online_orders as (
    select
        {{ dbt.concat(["'shopify:'", 'shopify_orders.order_id']) }} as order_id,
        cast(shopify_orders.order_id as {{ dbt.type_string() }}) as source_order_id,
        'shopify' as source,
        'online' as channel,
        record_customers.customer_id,
        shopify_orders.ordered_at,
        shopify_orders.currency,
        shopify_orders.total_price as order_total,
        shopify_orders.is_cancelled,
        shopify_orders.cancelled_at,
        shopify_orders.financial_status,
        cast(null as {{ dbt.type_string() }}) as store_id,
        shopify_orders._loaded_at
    from shopify_orders
    left join record_customers
        on record_customers.source = 'shopify'
        and record_customers.record_id = cast(shopify_orders.order_id as {{ dbt.type_string() }})
),

store_lines as (
    select
        pos_sale_lines.*,
        record_customers.customer_id
    from pos_sale_lines
    left join record_customers
        on record_customers.source = 'pos'
        and record_customers.record_id = pos_sale_lines.sale_line_id
),

store_orders as (
    select
        {{ dbt.concat(["'pos:'", 'transaction_id']) }} as order_id,
        transaction_id as source_order_id,
        'pos' as source,
        'store' as channel,
        min(customer_id) as customer_id,
        min(occurred_at) as ordered_at,
        min(currency) as currency,
        cast(sum(line_amount) as decimal(18, 2)) as order_total,
        false as is_cancelled,
        cast(null as {{ dbt.type_timestamp() }}) as cancelled_at,
        cast(null as {{ dbt.type_string() }}) as financial_status,
        min(store_id) as store_id,
        max(_loaded_at) as _loaded_at
    from store_lines
    group by transaction_id
),

orders as (
    select * from online_orders
    union all
    select * from store_orders
),

final as (
    select
        order_id,
        source_order_id,
        source,
        channel,
        customer_id,
        ordered_at,
        currency,
        order_total,
        {{ tessera.to_reporting_currency('order_total', 'currency') }} as order_total_reporting,
        {{ tessera.string_literal(tessera.profile_reporting_currency()) }} as reporting_currency,
        is_cancelled,
        cancelled_at,
        financial_status,
        store_id,
        _loaded_at
    from orders
)

select * from final
