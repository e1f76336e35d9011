{#-
    One row per line item of the current version of each Shopify order. `order_line_id` is Shopify's
    line item id, or `<order_id>-<position>` when the export has none.

    Incremental: an order's lines change with the order, so a build re-reads the orders staged since its
    last build (`_staged_at` after the newest here) and replaces their lines (delete+insert on order_id);
    the post-hook deletes the lines left from an order's older version (one with more lines) or of an
    order no longer staged.
-#}
{{ config(
    materialized=tessera.upsert_materialization(),
    unique_key='order_id',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    post_hook="{{ tessera.delete_stale_order_lines() if is_incremental() }}",
) }}

with

orders as (
    select * from {{ ref('stg_shopify__orders') }}
    {%- if is_incremental() %}
    where _staged_at > {{ last_build_watermark('_staged_at') }}
    {%- endif %}
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
        _loaded_at,
        {{ build_started_at() }} as _staged_at
    from line_items
    where line_item is not null
),

final as (
    select * from renamed
)

select * from final
