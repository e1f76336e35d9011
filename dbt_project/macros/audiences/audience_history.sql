{#-
  Membership history of audiences, written by the `audience` materialization in portable SQL:
  `segment_memberships` (one row per stay of a customer in a segment) and `segment_sizes` (one row per
  audience per build). Both live in the target schema next to the audiences.
-#}

{% macro audience_memberships_relation() -%}
  {{ return(api.Relation.create(database=this.database, schema=this.schema, identifier='segment_memberships', type='table')) }}
{%- endmacro %}

{% macro audience_sizes_relation() -%}
  {{ return(api.Relation.create(database=this.database, schema=this.schema, identifier='segment_sizes', type='table')) }}
{%- endmacro %}

{#- The moment of this build, shared by every audience of the run. -#}
{% macro audience_built_at() -%}
  cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- A bucket 0-99 from the first 32 bits of the MD5 of `expr`: the same on every engine and every run. -#}
{% macro audience_hash_bucket(expr) %}
    {{- return(adapter.dispatch('audience_hash_bucket', 'tessera')(expr)) -}}
{% endmacro %}

{% macro default__audience_hash_bucket(expr) -%}
    (cast(cast(('x' || substr(md5({{ expr }}), 1, 8)) as bit(32)) as bigint) % 100)
{%- endmacro %}

{% macro duckdb__audience_hash_bucket(expr) -%}
    (cast('0x' || substr(md5({{ expr }}), 1, 8) as ubigint) % 100)
{%- endmacro %}

{% macro spark__audience_hash_bucket(expr) -%}
    (cast(conv(substr(md5({{ expr }}), 1, 8), 16, 10) as bigint) % 100)
{%- endmacro %}

{#- True when the customer falls in the holdout of `segment_name` for `holdout_pct` percent. -#}
{% macro audience_is_holdout(segment_name, customer_id_expr, holdout_pct) -%}
  {%- if holdout_pct -%}
    ({{ tessera.audience_hash_bucket(dbt.concat([tessera.string_literal(segment_name ~ ':'), customer_id_expr])) }}
        < {{ holdout_pct }})
  {%- else -%}
    false
  {%- endif -%}
{%- endmacro %}

{% macro audience_ensure_history_tables() %}
    {{- return(adapter.dispatch('audience_ensure_history_tables', 'tessera')()) -}}
{% endmacro %}

{% macro default__audience_ensure_history_tables() %}
  {%- set memberships = tessera.audience_memberships_relation() -%}
  {%- set sizes = tessera.audience_sizes_relation() -%}
  {%- if adapter.get_relation(memberships.database, memberships.schema, memberships.identifier) is none %}
    {% call statement('create_segment_memberships') %}
      create table if not exists {{ memberships }} (
          segment_name {{ dbt.type_string() }},
          customer_id {{ dbt.type_string() }},
          entered_at {{ dbt.type_timestamp() }},
          exited_at {{ dbt.type_timestamp() }},
          is_holdout {{ dbt.type_boolean() }}
      )
    {% endcall %}
  {%- endif %}
  {%- if adapter.get_relation(sizes.database, sizes.schema, sizes.identifier) is none %}
    {% call statement('create_segment_sizes') %}
      create table if not exists {{ sizes }} (
          segment_name {{ dbt.type_string() }},
          built_at {{ dbt.type_timestamp() }},
          invocation_id {{ dbt.type_string() }},
          size {{ dbt.type_bigint() }},
          holdout_size {{ dbt.type_bigint() }},
          entered {{ dbt.type_bigint() }},
          exited {{ dbt.type_bigint() }}
      )
    {% endcall %}
  {%- endif %}
{% endmacro %}

{% macro spark__audience_ensure_history_tables() %}
  {% call statement('create_segment_memberships') %}
    create table if not exists {{ tessera.audience_memberships_relation() }} (
        customer_id string, entered_at timestamp, exited_at timestamp, is_holdout boolean, segment_name string
    ) using parquet partitioned by (segment_name)
  {% endcall %}
  {% call statement('create_segment_sizes') %}
    create table if not exists {{ tessera.audience_sizes_relation() }} (
        built_at timestamp, invocation_id string, size bigint, holdout_size bigint, entered bigint,
        exited bigint, segment_name string
    ) using parquet partitioned by (segment_name)
  {% endcall %}
{% endmacro %}

{#-
  Merge the members of `members_relation` (customer_id, is_holdout; one row per customer) into the
  history: customers not yet in the segment enter, members no longer returned exit, everyone else is left
  alone, so a rebuild with unchanged data changes no membership. Appends the build's row to segment_sizes.
-#}
{% macro audience_record_history(segment_name, members_relation) %}
  {%- set memberships = tessera.audience_memberships_relation() -%}
  {%- set sizes = tessera.audience_sizes_relation() -%}
  {%- set segment = tessera.string_literal(segment_name) -%}
  {%- set counts_sql -%}
    select
        (select count(*) from {{ members_relation }}) as size,
        (select count(*) from {{ members_relation }} where is_holdout) as holdout_size,
        (select count(*) from {{ members_relation }} as members
            where not exists (
                select 1 from {{ memberships }} as open_rows
                where open_rows.segment_name = {{ segment }}
                    and open_rows.exited_at is null
                    and open_rows.customer_id = members.customer_id)) as entered,
        (select count(*) from {{ memberships }} as open_rows
            where open_rows.segment_name = {{ segment }}
                and open_rows.exited_at is null
                and not exists (
                    select 1 from {{ members_relation }} as members
                    where members.customer_id = open_rows.customer_id)) as exited
  {%- endset -%}
  {%- set counts = run_query(counts_sql).rows[0] -%}

  {{ tessera.audience_merge_memberships(segment, members_relation) }}

  {{ tessera.audience_append_size(segment, counts) }}
{% endmacro %}

{#- Exits (open rows no longer returned) and entries (members without an open row) of one segment. -#}
{% macro audience_merge_memberships(segment, members_relation) %}
    {{- return(adapter.dispatch('audience_merge_memberships', 'tessera')(segment, members_relation)) -}}
{% endmacro %}

{% macro default__audience_merge_memberships(segment, members_relation) %}
  {%- set memberships = tessera.audience_memberships_relation() -%}
  {% call statement('audience_exits') %}
    update {{ memberships }}
    set exited_at = {{ tessera.audience_built_at() }}
    where segment_name = {{ segment }}
        and exited_at is null
        and not exists (
            select 1 from {{ members_relation }} as members
            where members.customer_id = {{ memberships.identifier }}.customer_id)
  {% endcall %}

  {% call statement('audience_entries') %}
    insert into {{ memberships }} (segment_name, customer_id, entered_at, exited_at, is_holdout)
    select
        {{ segment }},
        members.customer_id,
        {{ tessera.audience_built_at() }},
        cast(null as {{ dbt.type_timestamp() }}),
        members.is_holdout
    from {{ members_relation }} as members
    where not exists (
        select 1 from {{ memberships }} as open_rows
        where open_rows.segment_name = {{ segment }}
            and open_rows.exited_at is null
            and open_rows.customer_id = members.customer_id)
  {% endcall %}
{% endmacro %}

{#-
  Spark tables without Delta have no UPDATE: the segment's partition is recomputed into a scratch table
  and written back with INSERT OVERWRITE of that partition only, so audiences building in parallel
  never touch each other's rows. Dynamic partition overwrite stages each job's files in its own folder
  (static partition inserts share one `_temporary` folder and break each other when run in parallel).
-#}
{% macro spark__audience_overwrite_partition(table, scratch, columns, segment) %}
  {% call statement('audience_dynamic_overwrite') %}
    set spark.sql.sources.partitionOverwriteMode = dynamic
  {% endcall %}
  {% call statement('audience_overwrite_partition') %}
    insert overwrite table {{ table }} partition (segment_name)
    select {{ columns | join(', ') }}, {{ segment }} as segment_name from {{ scratch }}
  {% endcall %}
{% endmacro %}

{% macro spark__audience_merge_memberships(segment, members_relation) %}
  {%- set memberships = tessera.audience_memberships_relation() -%}
  {%- set scratch = make_intermediate_relation(members_relation, suffix='__history') -%}
  {{ adapter.drop_relation(scratch) }}
  {% call statement('audience_history_scratch') %}
    create table {{ scratch }} as
    select
        stays.customer_id,
        stays.entered_at,
        case
            when stays.exited_at is null and members.customer_id is null then {{ tessera.audience_built_at() }}
            else stays.exited_at
        end as exited_at,
        stays.is_holdout
    from {{ memberships }} as stays
    left join {{ members_relation }} as members on members.customer_id = stays.customer_id
    where stays.segment_name = {{ segment }}
    union all
    select
        members.customer_id,
        {{ tessera.audience_built_at() }} as entered_at,
        cast(null as timestamp) as exited_at,
        members.is_holdout
    from {{ members_relation }} as members
    left join (
        select customer_id from {{ memberships }}
        where segment_name = {{ segment }} and exited_at is null
    ) as open_rows on open_rows.customer_id = members.customer_id
    where open_rows.customer_id is null
  {% endcall %}
  {{ tessera.spark__audience_overwrite_partition(
      memberships, scratch, ['customer_id', 'entered_at', 'exited_at', 'is_holdout'], segment) }}
  {{ adapter.drop_relation(scratch) }}
{% endmacro %}

{#- Append the build's row to segment_sizes; `counts` is (size, holdout_size, entered, exited). -#}
{% macro audience_append_size(segment, counts) %}
    {{- return(adapter.dispatch('audience_append_size', 'tessera')(segment, counts)) -}}
{% endmacro %}

{% macro default__audience_append_size(segment, counts) %}
  {% call statement('audience_size') %}
    insert into {{ tessera.audience_sizes_relation() }}
        (segment_name, built_at, invocation_id, size, holdout_size, entered, exited)
    values ({{ segment }}, {{ tessera.audience_built_at() }}, {{ tessera.string_literal(invocation_id) }},
        {{ counts[0] }}, {{ counts[1] }}, {{ counts[2] }}, {{ counts[3] }})
  {% endcall %}
{% endmacro %}

{#- Spark: partitioned by segment like the memberships, so parallel audiences write apart. -#}
{% macro spark__audience_append_size(segment, counts) %}
  {%- set sizes = tessera.audience_sizes_relation() -%}
  {%- set scratch = make_intermediate_relation(this.incorporate(type='table'), suffix='__sizes') -%}
  {%- set columns = ['built_at', 'invocation_id', 'size', 'holdout_size', 'entered', 'exited'] -%}
  {{ adapter.drop_relation(scratch) }}
  {% call statement('audience_sizes_scratch') %}
    create table {{ scratch }} as
    select {{ columns | join(', ') }} from {{ sizes }} where segment_name = {{ segment }}
    union all
    select {{ tessera.audience_built_at() }}, {{ tessera.string_literal(invocation_id) }},
        cast({{ counts[0] }} as bigint), cast({{ counts[1] }} as bigint), cast({{ counts[2] }} as bigint),
        cast({{ counts[3] }} as bigint)
  {% endcall %}
  {{ tessera.spark__audience_overwrite_partition(sizes, scratch, columns, segment) }}
  {{ adapter.drop_relation(scratch) }}
{% endmacro %}
