{#- Rebuilt whole from the staged orders: cheap, and an order's lines change with the order. -#}
{{ config(materialized='table') }}

{#-
    One row per line item of the current version of each Shopify order. `order_line_id` is Shopify's
    line item id, or `<order_id>-<position>` when the export has none.
-#}

with

orders as (
    select * from {{ ref('stg_shopify__orders') }}
),

line_items as (
    select
        orders.order_id,
        orders.currency,
        orders._loaded_at,
        line_position + 1 as line_number,
        {{ json_array_element('orders.line_items', 'line_position') }} as line_item
    from orders
    {{ cross_join_json_array_indexes('orders.line_items', 'line_position') }}
),

renamed as (
    select
        coalesce(
            {{ normalise_id(json_extract_text('line_item', ['id'])) }},
            {{ dbt.concat(['order_id', "'-'", dbt.safe_cast('line_number', dbt.type_string())]) }}
        ) as order_line_id,
        order_id,
        line_number,
        {{ clean_text(json_extract_text('line_item', ['sku'])) }} as sku,
        {{ normalise_id(json_extract_text('line_item', ['product_id'])) }} as product_id,
        coalesce(
            {{ clean_text(json_extract_text('line_item', ['title'])) }},
            {{ clean_text(json_extract_text('line_item', ['name'])) }}
        ) as product_name,
        {{ to_integer(json_extract_text('line_item', ['quantity'])) }} as quantity,
        {{ to_decimal(json_extract_text('line_item', ['price'])) }} as unit_price,
        currency,
        _loaded_at
    from line_items
    where line_item is not null
),

final as (
    select * from renamed
)

select * from final
