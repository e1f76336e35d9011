{#-
  Unpivot in one scan, on every engine: cross the rows with `unpivot_slots(names)`, one row per output
  column (`slot` 1..n, `name`), and pick each row's value with `unpivot_value(expressions)`. A `union all`
  of one select per column would read its input once per column; when that input is a CTE, DuckDB
  materializes it whole first (at 1M customers: every staged event).

      from records cross join {{ unpivot_slots(['email', 'phone']) }}
      ... {{ unpivot_value(['records.email', 'records.phone']) }} as value, unpivot_slots.name as type

  Filter NULL values outside the select that computes them (`where value is not null`).
-#}
{% macro unpivot_slots(names) -%}
    (
        {%- for name in names %}
        select {{ loop.index }} as slot, {{ tessera.string_literal(name) }} as name
        {%- if not loop.last %} union all{% endif %}
        {%- endfor %}
    ) as unpivot_slots
{%- endmacro %}

{% macro unpivot_value(expressions) -%}
    case unpivot_slots.slot
        {%- for expression in expressions %}
        when {{ loop.index }} then {{ expression }}
        {%- endfor %}
    end
{%- endmacro %}
