{#-
  One row per customer: the golden record with the source and time of every attribute, all emails and
  phones, every trait and consent flag (from customer_traits, see docs/traits.md), plus the identity
  summary: first and last seen, and how many identifiers of each type the customer holds.
-#}

{%- set identifier_types = identity_type_priority().keys() | list -%}
{%- set leading = ['customer_id', 'first_name', 'last_name', 'primary_email', 'primary_phone'] -%}

with

customer_identifiers as (
    select * from {{ ref('customer_identifiers') }}
),

customer_traits as (
    select * from {{ ref('customer_traits') }}
),

customer_summary as (
    select
        customer_id,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at,
        count(*) as identifier_count
        {%- for t in identifier_types %},
        count(case when identifier_type = '{{ t }}' then 1 end) as {{ t }}_count
        {%- endfor %}
    from customer_identifiers
    group by customer_id
),

{#- Every trait column after the leading ones, in customer_traits' order (known only at run time). -#}
{%- set trait_columns = [] -%}
{%- if execute -%}
    {%- for column in adapter.get_columns_in_relation(ref('customer_traits')) -%}
        {%- if column.name | lower not in leading -%}{%- do trait_columns.append(column.name | lower) -%}{%- endif -%}
    {%- endfor -%}
{%- endif %}

final as (
    select
        customer_summary.customer_id,
        customer_traits.first_name,
        customer_traits.last_name,
        customer_traits.primary_email,
        customer_traits.primary_phone,
        customer_summary.first_seen_at,
        customer_summary.last_seen_at,
        customer_summary.identifier_count
        {%- for t in identifier_types %},
        customer_summary.{{ t }}_count
        {%- endfor %}
        {%- for column in trait_columns %},
        customer_traits.{{ column }}
        {%- endfor %}
    from customer_summary
    left join customer_traits on customer_traits.customer_id = customer_summary.customer_id
)

select * from final
