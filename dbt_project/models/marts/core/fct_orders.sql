{{ config(
    materialized=tessera.upsert_materialization(),
    unique_key='order_id',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
) }}

{#-
  One row per order, online (Shopify) and in store (a POS transaction, its lines summed). The customer is
  the one `int_record_customers` gives the order (a store transaction: its lines' customer; a till sale
  with no identifier has none). Amounts stay in the order's currency and are also converted to the
  reporting currency with the static rates of `profile_fx_rates`.

  Incremental per order: an order changes only when it is staged again or int_record_resolutions
  re-resolves its record (a line's, for a store transaction). So a build redoes the orders staged since its
  last build (`_staged_at` after the newest `_built_at` here; staging time, not load time, as in
  int_identifiers_unioned) and those whose records were resolved after the newest resolution it consumed
  (`_resolved_through`), and replaces them (delete+insert on order_id); each row it writes carries the
  build's `_built_at`, from which the timeline reads the orders to redo. A full refresh gives the
  same rows (tests/identity/test_incremental_resolution.py).
-#}

{#- A table kept by the version that rebuilt it whole has no stamps: its first build redoes every order. -#}
{%- set incremental = is_incremental() and kept_table_has_column('_resolved_through') %}
{%- if incremental %}
{%- set staged_since = last_build_watermark('_built_at') %}
{%- set resolved_since = last_build_watermark('_resolved_through') %}
{%- endif %}

with

resolved_through as (
    select max(resolved_at) as resolved_through from {{ ref('int_record_resolutions') }}
),

{% if incremental %}

{#- The records resolved since the last build (released ones included: their orders lose the customer). -#}
resolved_records as (
    select source, record_id
    from {{ ref('int_record_resolutions') }}
    where source in ('shopify', 'pos') and resolved_at > {{ resolved_since }}
),

changed_online_orders as (
    select cast(order_id as {{ dbt.type_string() }}) as source_order_id
    from {{ ref('stg_shopify__orders') }}
    where _staged_at > {{ staged_since }}
    union
    select record_id from resolved_records where source = 'shopify'
),

changed_transactions as (
    select transaction_id
    from {{ ref('stg_pos__sale_lines') }}
    where _staged_at > {{ staged_since }}
        or sale_line_id in (select record_id from resolved_records where source = 'pos')
),

{% endif %}

shopify_orders as (
    select * from {{ ref('stg_shopify__orders') }}
    {%- if incremental %}
    where cast(order_id as {{ dbt.type_string() }}) in (select source_order_id from changed_online_orders)
    {%- endif %}
),

pos_sale_lines as (
    select * from {{ ref('stg_pos__sale_lines') }}
    {%- if incremental %}
    where transaction_id in (select transaction_id from changed_transactions)
    {%- endif %}
),

{#- The customers of each source apart: one CTE for both, read twice, would be materialized with its
    source filter made optional, reading every resolved record (30M rows at 1M customers). -#}
{%- for source_name in ['shopify', 'pos'] %}
{{ source_name }}_customers as (
    select record_id, customer_id from {{ ref('int_record_customers') }} where source = '{{ source_name }}'
),
{% endfor %}

online_orders as (
    select
        {{ dbt.concat(["'shopify:'", 'shopify_orders.order_id']) }} as order_id,
        cast(shopify_orders.order_id as {{ dbt.type_string() }}) as source_order_id,
        'shopify' as source,
        'online' as channel,
        shopify_customers.customer_id,
        shopify_orders.ordered_at,
        shopify_orders.currency,
        shopify_orders.total_price as order_total,
        shopify_orders.is_cancelled,
        shopify_orders.cancelled_at,
        shopify_orders.financial_status,
        cast(null as {{ dbt.type_string() }}) as store_id,
        shopify_orders._loaded_at
    from shopify_orders
    left join shopify_customers
        on shopify_customers.record_id = cast(shopify_orders.order_id as {{ dbt.type_string() }})
),

store_lines as (
    select
        pos_sale_lines.*,
        pos_customers.customer_id
    from pos_sale_lines
    left join pos_customers on pos_customers.record_id = pos_sale_lines.sale_line_id
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
        _loaded_at,
        (select resolved_through from resolved_through) as _resolved_through,
        {{ identity_run_at() }} as _built_at
    from orders
)

select * from final
