{#-
    Naming an intermediate value inside one expression, so a long expression that repeats it computes it
    once per row. Write the expression with `bound_value(name, sql)` wherever it uses the value, then wrap
    it: `bind_values([(name, sql), ...], body)` (later bindings may use earlier names).

    On DuckDB, which does not pull common subexpressions out of CASE branches, each name is the parameter
    of a one-element list_transform: `normalise_phone` repeats its digit string some 150 times, and bound
    it costs a fraction (at 1M customers, 29 µs per phone before). Elsewhere (`binds_values()` false)
    `bound_value` is the SQL itself and `bind_values` returns the body as it is (engines there share
    repeated subexpressions themselves, or are not the default).
-#}
{% macro binds_values() %}
    {{- return(adapter.dispatch('binds_values', 'tessera')()) -}}
{% endmacro %}

{% macro default__binds_values() -%}
    {{- return(false) -}}
{%- endmacro %}

{% macro duckdb__binds_values() -%}
    {{- return(true) -}}
{%- endmacro %}

{#- `name` where the engine binds values, else `sql` written out. -#}
{% macro bound_value(name, sql) -%}
    {{ name if tessera.binds_values() else sql }}
{%- endmacro %}

{% macro bind_values(bindings, body) -%}
    {%- set ns = namespace(sql=body) -%}
    {%- if tessera.binds_values() -%}
        {%- for name, value in bindings | reverse -%}
            {%- set ns.sql = 'list_transform([' ~ value ~ '], lambda ' ~ name ~ ': ' ~ ns.sql ~ ')[1]' -%}
        {%- endfor -%}
    {%- endif -%}
    {{ ns.sql }}
{%- endmacro %}
