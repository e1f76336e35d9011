{#-
  One row per (record, identifier) from a CTE holding one row per source record: a `union all` of one
  select per identifier column, skipping NULL and blank values. `identifiers` maps identifier type ->
  column (or SQL expression) of `cte`.
-#}
{% macro identity_unpivot(cte, source_name, record_id, occurred_at, identifiers) -%}
  {%- for identifier_type, column in identifiers.items() %}
select
    {{ source_name }} as source,
    cast({{ record_id }} as {{ dbt.type_string() }}) as record_id,
    '{{ identifier_type }}' as identifier_type,
    trim(cast({{ column }} as {{ dbt.type_string() }})) as identifier_value,
    {{ occurred_at }} as occurred_at,
    _loaded_at
from {{ cte }}
where {{ column }} is not null and trim(cast({{ column }} as {{ dbt.type_string() }})) <> ''
{%- if not loop.last %}
union all
{%- endif %}
  {%- endfor %}
{%- endmacro %}
