{#
    Upserts and in-place rewrites where the engine's tables cannot be updated.

    Spark tables in plain Parquet (the portable default: Delta needs jars from outside PyPI) support
    neither MERGE, UPDATE nor DELETE. Two helpers cover what the project needs:

    - incremental models with a `unique_key`: on DuckDB and Postgres dbt replaces the rows whose key is
      in the new batch (delete+insert / merge). dbt-spark's default strategy for Parquet is `append`,
      which would duplicate them, so the override below turns `append` + `unique_key` into the same
      upsert, done by rewriting the table. Models keep their config; nothing engine-specific there.
    - `rewrite_table(relation, select_sql)`: replace a table's rows with a query that may read the table
      itself (Spark refuses to overwrite a table it is reading, so the rows go through a scratch table).
#}

{#-
    Root-project override of dbt-spark's macro of the same name (dbt resolves adapter-internal macros
    to the root project's first). Only the `append` + `unique_key` case on non-transactional formats is
    changed; everything else is dbt-spark's own code.
-#}
{% macro dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) %}
    {%- set transactional = existing is not none and (existing.is_delta or existing.is_iceberg or existing.is_hudi) -%}
    {%- if strategy == 'append' and unique_key and not transactional -%}
        {{- tessera.spark_upsert_by_rewrite(source, target, unique_key) -}}
    {%- else -%}
        {{- dbt_spark.dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) -}}
    {%- endif -%}
{% endmacro %}

{#- Keep the rows of `target` whose key is not in `source`, add every row of `source`. -#}
{% macro spark_upsert_by_rewrite(source, target, unique_key) -%}
    {%- set keys = [unique_key] if unique_key is string else unique_key -%}
    {%- set columns = adapter.get_columns_in_relation(target) | map(attribute='quoted') | join(', ') -%}
    {%- set matches = [] -%}
    {%- for key in keys -%}
        {%- do matches.append('new_rows.' ~ key ~ ' = existing_rows.' ~ key) -%}
    {%- endfor -%}
    {%- set merged -%}
        select {{ columns }} from {{ target }} as existing_rows
        where not exists (select 1 from {{ source }} as new_rows where {{ matches | join(' and ') }})
        union all
        select {{ columns }} from {{ source }}
    {%- endset -%}
    {{- tessera.rewrite_table(target, merged) -}}
{%- endmacro %}


{#-
    Replace the rows of `relation` with `select_sql` (same columns, same order), which may read
    `relation`. Returns one last statement to run (dbt's `main` statement); earlier ones run here.
-#}
{% macro rewrite_table(relation, select_sql) %}
    {{- return(adapter.dispatch('rewrite_table', 'tessera')(relation, select_sql)) -}}
{% endmacro %}

{#- Transactional engines: a scratch table, then delete and insert in the model's transaction. -#}
{% macro default__rewrite_table(relation, select_sql) -%}
    {%- set scratch = relation.incorporate(path={"identifier": relation.identifier ~ '__tessera_rewrite'}) -%}
    {% do run_query('drop table if exists ' ~ scratch) %}
    {% do run_query('create table ' ~ scratch ~ ' as ' ~ select_sql) %}
    {% do run_query('delete from ' ~ relation) %}
    {% do run_query('insert into ' ~ relation ~ ' select * from ' ~ scratch) %}
    drop table if exists {{ scratch }}
{%- endmacro %}

{% macro spark__rewrite_table(relation, select_sql) -%}
    {%- set scratch = relation.incorporate(path={"identifier": relation.identifier ~ '__tessera_rewrite'}) -%}
    {% do run_query('drop table if exists ' ~ scratch) %}
    {% do run_query('create table ' ~ scratch ~ ' using parquet as ' ~ select_sql) %}
    {% do run_query('insert overwrite table ' ~ relation ~ ' select * from ' ~ scratch) %}
    drop table if exists {{ scratch }}
{%- endmacro %}


{#-
  How models kept by upsert (the timeline, the identifier unpivot) are materialized: incremental
  (delete+insert on their key) where the engine can replace rows, a full rebuild on Spark without Delta
  (its Parquet tables only append, which would duplicate the rows an upsert replaces).
-#}
{% macro upsert_materialization() %}
    {{- return(adapter.dispatch('upsert_materialization', 'tessera')()) -}}
{% endmacro %}

{% macro default__upsert_materialization() -%}
    {{ return('incremental') }}
{%- endmacro %}

{% macro spark__upsert_materialization() -%}
    {{ return('table') }}
{%- endmacro %}

{#- True when the table kept from the last build has `column` (a table written by an older version of the
    model may lack its stamps). Overridden in unit tests, where `this` is not a relation. -#}
{% macro kept_table_has_column(column) -%}
    {%- set names = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {{- return(column | lower in names) -}}
{%- endmacro %}
