{#- The moment this dbt invocation started, shared by every model of the run: the stamp of the rows a build
    writes (staging's `_staged_at`; identity's run time, `identity_run_at`). -#}
{% macro build_started_at() -%}
  cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
