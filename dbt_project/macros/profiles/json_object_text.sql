{#-
  A JSON object as text from `pairs`, a list of (key, SQL expression) pairs: the timeline's `properties`
  column. NULL values are kept as JSON null.
-#}
{% macro json_object_text(pairs) %}
    {{- return(adapter.dispatch('json_object_text', 'tessera')(pairs)) -}}
{% endmacro %}

{% macro default__json_object_text(pairs) -%}
    cast(json_build_object(
        {%- for key, expr in pairs %}{{ tessera.string_literal(key) }}, {{ expr }}{% if not loop.last %}, {% endif %}{% endfor -%}
    ) as {{ dbt.type_string() }})
{%- endmacro %}

{% macro duckdb__json_object_text(pairs) -%}
    cast(json_object(
        {%- for key, expr in pairs %}{{ tessera.string_literal(key) }}, {{ expr }}{% if not loop.last %}, {% endif %}{% endfor -%}
    ) as {{ dbt.type_string() }})
{%- endmacro %}

{#- Spark's to_json leaves out null fields unless told to keep them (DuckDB and Postgres keep them). -#}
{% macro spark__json_object_text(pairs) -%}
    to_json(named_struct(
        {%- for key, expr in pairs %}{{ tessera.string_literal(key) }}, {{ expr }}{% if not loop.last %}, {% endif %}{% endfor -%}
    ), map('ignoreNullFields', 'false'))
{%- endmacro %}
