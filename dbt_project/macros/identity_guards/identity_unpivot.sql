{#-
  One row per (record, identifier) from a CTE holding one row per source record, skipping NULL and blank
  values. `identifiers` maps identifier type -> column (or SQL expression) of `cte`, or a list of them when
  several columns hold the same type (an event's anonymous id and its alias's previousId). The CTE is read
  once (`unpivot_slots`).
-#}
{% macro identity_unpivot(cte, source_name, record_id, occurred_at, identifiers) -%}
  {%- set types, columns = [], [] -%}
  {%- for identifier_type, type_columns in identifiers.items() -%}
    {%- for column in ([type_columns] if type_columns is string else type_columns) -%}
      {%- do types.append(identifier_type) -%}
      {%- do columns.append('trim(cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ '))') -%}
    {%- endfor -%}
  {%- endfor %}
select source, record_id, identifier_type, identifier_value, occurred_at, _loaded_at
from (
    select
        {{ source_name }} as source,
        cast({{ record_id }} as {{ dbt.type_string() }}) as record_id,
        unpivot_slots.name as identifier_type,
        {{ tessera.unpivot_value(columns) }} as identifier_value,
        {{ occurred_at }} as occurred_at,
        _loaded_at
    from {{ cte }}
    cross join {{ tessera.unpivot_slots(types) }}
) as unpivoted
where identifier_value is not null and identifier_value <> ''
{%- endmacro %}
