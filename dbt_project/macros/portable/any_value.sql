{#
    `any_value(expression)`: one value of the group, for a column that is the same on every row of it
    (the identifier a node id names). DuckDB and Spark have it and take the first value they meet;
    Postgres gains it only in 16, so elsewhere `min` gives the same answer at the cost of comparisons.
#}
{% macro any_value(expression) -%}
    {{ return(adapter.dispatch('any_value', 'tessera')(expression)) }}
{%- endmacro %}

{% macro default__any_value(expression) -%}
    min({{ expression }})
{%- endmacro %}

{% macro duckdb__any_value(expression) -%}
    any_value({{ expression }})
{%- endmacro %}

{% macro spark__any_value(expression) -%}
    first({{ expression }})
{%- endmacro %}
