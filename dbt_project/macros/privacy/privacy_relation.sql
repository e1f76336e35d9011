{#-
  The privacy tables (`privacy.tombstones`, `privacy.manual_suppressions`) are written by `cdp privacy`
  and the suppression loader, not by dbt, so a fresh warehouse has none of them. These macros look them
  up when the model is built and fall back to "nothing" when they are absent.
-#}

{#- The relation `privacy.<name>` when it exists in the target warehouse, else none. -#}
{% macro privacy_relation(name) -%}
  {%- if not execute -%}
    {{ return(none) }}
  {%- endif -%}
  {{ return(adapter.get_relation(database=target.database, schema='privacy', identifier=name)) }}
{%- endmacro %}

{#- How many rows `privacy.<name>` holds (0 when the table does not exist). -#}
{% macro privacy_row_count(name) -%}
  {%- set relation = privacy_relation(name) -%}
  {%- if relation is none -%}
    {{ return(0) }}
  {%- endif -%}
  {{ return(tessera.query_value('select count(*) from ' ~ relation) | int) }}
{%- endmacro %}
