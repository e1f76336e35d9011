{#-
  Generic test: no two rows of the model share the same values in all of `columns` (a compound key).
  With `latest_build_column`, only the rows the latest build wrote (those holding that column's newest
  value) are checked: for a model that rewrites every row of a key it touches, a duplicate can only be
  among them, and the earlier builds' rows were checked when they were written.
-#}
{% test unique_combination(model, columns, latest_build_column=none) %}
    {{- adapter.dispatch('test_unique_combination', 'tessera')(model, columns, latest_build_column) -}}
{% endtest %}

{#- The condition on the rows the test reads: those of the latest build, or all. -#}
{% macro _checked_rows_condition(model, latest_build_column) -%}
    {%- if latest_build_column -%}
    {{ latest_build_column }} = (select max({{ latest_build_column }}) from {{ model }})
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}

{% macro default__test_unique_combination(model, columns, latest_build_column) %}

select {{ columns | join(', ') }}, count(*) as rows_with_key
from {{ model }}
where {{ tessera._checked_rows_condition(model, latest_build_column) }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endmacro %}

{#- DuckDB groups one 64-bit hash of the key first, about twice as fast as grouping several columns (two
    of them text) over the 55M identifier rows at 1M customers; only the keys whose hash repeats are then
    grouped on their values, so a hash collision is never reported as a duplicate. The model is read twice
    rather than through a CTE, which DuckDB would copy whole. -#}
{% macro duckdb__test_unique_combination(model, columns, latest_build_column) %}
{%- set key = columns | join(', ') %}

select {{ key }}, count(*) as rows_with_key
from {{ model }}
where {{ tessera._checked_rows_condition(model, latest_build_column) }}
    and hash({{ key }}) in (
        select hash({{ key }})
        from {{ model }}
        where {{ tessera._checked_rows_condition(model, latest_build_column) }}
        group by hash({{ key }})
        having count(*) > 1
    )
group by {{ key }}
having count(*) > 1

{% endmacro %}
