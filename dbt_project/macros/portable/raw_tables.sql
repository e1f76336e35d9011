{#
    Make the raw tables readable by the engine before anything builds (on-run-start hook).

    DuckDB and Postgres hold the raw schema as tables (ingest/ lands them), so there is nothing to do.
    On Spark the loader writes Parquet files, one folder per raw table under TESSERA_SPARK_RAW_DIR
    (default: TESSERA_SPARK_DIR/raw); this registers `raw.<table>` over each folder and refreshes its
    file listing so loads landed since the last run are seen. The tables are the sources in schema `raw`
    of the project, so the list never drifts from the sources' yml.
#}
{% macro register_raw_tables() %}
    {{- return(adapter.dispatch('register_raw_tables', 'tessera')()) -}}
{% endmacro %}

{% macro default__register_raw_tables() -%}
    select 1 as nothing_to_register
{%- endmacro %}

{% macro spark__register_raw_tables() -%}
    {%- if execute -%}
        {%- set raw_dir = env_var('TESSERA_SPARK_RAW_DIR', env_var('TESSERA_SPARK_DIR', 'data/spark') ~ '/raw') -%}
        {%- set names = [] -%}
        {%- for source in graph.sources.values() if source.schema == 'raw' -%}
            {%- do names.append(source.identifier) -%}
        {%- endfor -%}
        {% do run_query('create database if not exists raw') %}
        {%- for name in names | unique | sort %}
            {% do run_query('create table if not exists raw.' ~ name ~ ' using parquet location '
                            ~ tessera.string_literal(raw_dir ~ '/' ~ name)) %}
            {% do run_query('refresh table raw.' ~ name) %}
        {%- endfor %}
    {%- endif -%}
    select 1 as raw_tables_registered
{%- endmacro %}
