{#
    `name as {{ inline_cte() }} (...)`: ask the engine to inline a CTE into each query that reads it rather
    than compute it once and keep the result. DuckDB keeps (materializes) a CTE read more than once, and at
    1M customers such a copy of every identifier row outgrew the memory limit and spilled (identifier rows:
    38 s to select with the copy, 20 s inlined). An inlined CTE that reads other CTEs makes them read twice
    too, so every CTE on the way must be inlined. Other engines decide for themselves: nothing is written.
#}
{% macro inline_cte() -%}
    {{ return(adapter.dispatch('inline_cte', 'tessera')()) }}
{%- endmacro %}

{% macro default__inline_cte() -%}
{%- endmacro %}

{% macro duckdb__inline_cte() -%}
    not materialized
{%- endmacro %}
