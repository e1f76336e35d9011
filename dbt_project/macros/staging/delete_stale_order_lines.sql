{#-
  Post-hook of the incremental stg_shopify__order_lines: delete every line that is not from its order's
  staged version, i.e. whose `_loaded_at` is not the order's. That is the lines of an order whose newer
  version has fewer lines, or none (delete+insert only replaces the orders the batch has lines for), and
  the lines of an order no longer staged (`cdp privacy forget` deletes a forgotten person's orders).
-#}
{% macro delete_stale_order_lines() -%}
    delete from {{ this }} as line
    where not exists (
        select 1
        from {{ ref('stg_shopify__orders') }} as orders
        where orders.order_id = line.order_id and orders._loaded_at = line._loaded_at
    )
{%- endmacro %}
