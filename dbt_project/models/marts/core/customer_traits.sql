{#- The hook creates the audience history tables before audiences (which read this model) run in parallel. -#}
{{ config(materialized='view', post_hook="{{ tessera.audience_ensure_history_tables() }}") }}

{#-
  One row per customer: the golden record (each attribute with its source and time) and every trait,
  measured at `traits_as_of_at`, then the identity summary: first and last seen, and how many identifiers of
  each type the customer holds. `customer_profiles` (a view) publishes the same columns, the summary next to
  the name and contacts; audiences read either.

  A view: int_customer_traits keeps the rows per customer (a build rewrites only the customers whose traits
  changed), and this model adds what moves for every customer whenever the reference time does, in the
  place each has in the published columns: `days_since_last_order` after `average_order_value`,
  `hours_since_cart_added` after `last_cart_added_at`, and `traits_as_of_at` before `channels_used`.
-#}

{%- set measured = {
    'average_order_value': [(dbt.datediff('traits.last_order_at', 'as_of.as_of_at', 'day'), 'days_since_last_order')],
    'last_cart_added_at': [(dbt.datediff('traits.last_cart_added_at', 'as_of.as_of_at', 'hour'), 'hours_since_cart_added')],
} -%}
{%- set stamps = ['_resolved_through', '_settings_signature', '_built_at'] -%}

{#- The stored columns, in order (known only at run time). -#}
{%- set stored = [] -%}
{%- if execute -%}
    {%- for column in adapter.get_columns_in_relation(ref('int_customer_traits')) -%}
        {%- if column.name | lower not in stamps -%}{%- do stored.append(column.name | lower) -%}{%- endif -%}
    {%- endfor -%}
{%- endif %}

with

traits as (
    select * from {{ ref('int_customer_traits') }}
),

as_of as (
    select * from {{ ref('int_profile_as_of') }}
),

final as (
    select
        {%- for column in stored %}
        {%- if column == 'channels_used' %}
        as_of.as_of_at as traits_as_of_at,
        {%- endif %}
        traits.{{ column }}
        {%- for expression, name in measured.get(column, []) %},
        {{ expression }} as {{ name }}
        {%- endfor %}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from traits
    cross join as_of
)

select * from final
