{#
    `dbt.datediff` on Spark, counting unit boundaries crossed like DuckDB and Postgres (10:59 -> 11:01 is
    1 hour). dbt-spark's own version rounds the elapsed time up for hours, minutes and seconds instead
    (11:04 -> 20:36 gives 10 hours there, 9 elsewhere), so `hours_since_cart_added` differed across
    engines. This root-project version takes precedence over the adapter's (dbt dispatches `dbt.*`
    macros to the root project first). Days use Spark's `datediff`, which already counts date changes.
#}
{% macro spark__datediff(first_date, second_date, datepart) -%}
    {%- set seconds = {'hour': 3600, 'minute': 60, 'second': 1} -%}
    {%- if datepart in seconds -%}
        cast((
            unix_timestamp(date_trunc('{{ datepart }}', {{ second_date }}))
            - unix_timestamp(date_trunc('{{ datepart }}', {{ first_date }}))
        ) / {{ seconds[datepart] }} as bigint)
    {%- elif datepart == 'day' -%}
        datediff({{ second_date }}, {{ first_date }})
    {%- else -%}
        {{ exceptions.raise_compiler_error("datediff on Spark supports day, hour, minute and second; got " ~ datepart) }}
    {%- endif -%}
{%- endmacro %}
