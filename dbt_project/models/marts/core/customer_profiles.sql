{#-
  One row per customer: the golden record with the source and time of every attribute, all emails and
  phones, every trait and consent flag (see docs/traits.md), plus the identity summary: first and last seen,
  and how many identifiers of each type the customer holds.

  A view: customer_traits holds every column (the summary too), and this model only puts the name, contacts
  and summary first. As a table it was a second copy of the widest table of the build, written whole in
  every build (about 5 s at 1M customers, full or incremental).
-#}
{{ config(materialized='view') }}

{%- set leading = ['customer_id', 'first_name', 'last_name', 'primary_email', 'primary_phone']
    + tessera.profile_identity_summary_columns() -%}

{#- Every other column of customer_traits, in its order (known only at run time). -#}
{%- set trait_columns = [] -%}
{%- if execute -%}
    {%- for column in adapter.get_columns_in_relation(ref('customer_traits')) -%}
        {%- if column.name | lower not in leading -%}{%- do trait_columns.append(column.name | lower) -%}{%- endif -%}
    {%- endfor -%}
{%- endif %}

with

customer_traits as (
    select * from {{ ref('customer_traits') }}
),

final as (
    select
        {{ leading | join(',\n        ') }}
        {%- for column in trait_columns %},
        {{ column }}
        {%- endfor %}
    from customer_traits
)

select * from final
