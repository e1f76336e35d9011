{#-
  The raw rows a staging model reads: `select * from <raw table>` in a full build; in an incremental build
  only the rows of records touched since the last build. A record is touched when any copy of it was loaded
  after the newest `_loaded_at` already staged; every copy of a touched record is read (old ones too), so
  the model's dedupe picks the same winner a full build would, and `delete+insert` on the model's key
  replaces the staged row. Raw tables are append-only, so untouched records cannot have changed. The bound
  is strict: the loader stamps each file once, when it lands it, and commits its rows together, so the
  rows stamped with the watermark were all staged by the build that read them (a bound that included them
  re-staged the last file loaded in every build, even one with nothing new).

  `key` is the SQL of the record key over raw columns (as the model computes it, e.g.
  `clean_text('message_id')`); rows whose key is NULL are never read incrementally (models drop them).
  Rows deleted from raw by hand are not noticed: rebuild with `--full-refresh` (privacy forget scrubs
  staged rows itself).
-#}
{#-
  Read as three parts so that no part makes an engine read every wide raw row (`_record`, JSON columns):
  the rows loaded since the watermark (a literal, so DuckDB skips older row groups by their min/max), and
  the older copies of those records, found first on narrow columns and then fetched by their load time
  (an empty or short list of load times: DuckDB pushes it into the scan as a join filter). A semi-join of
  the whole raw table against the touched keys read every row's wide columns: at 1M customers that was
  nearly the whole cost of an incremental `stg_segment__events`.
-#}
{#-
  `raw_column`, when the key is `clean_text` or `normalise_id` of that one raw column: the older copies are
  then found by the raw value itself, with the key computed only for the few raw values that cleaning could
  change (padded with spaces, or with a decimal point). Computing the key on every older row was most of an
  incremental `stg_segment__events` (1.4 s against 0.7 s at 300k customers, per lookup).

  `incremental` (default `is_incremental()`): false to read every raw row in an incremental build (a model
  whose settings changed, macro staging_incremental).
-#}
{% macro changed_raw_rows(relation, key, raw_column=none, incremental=none) -%}
    {%- if (is_incremental() if incremental is none else incremental) %}
    {%- set since = last_build_watermark() %}
    {%- set touched_keys = 'select ' ~ key ~ ' from ' ~ relation ~ ' where _loaded_at > ' ~ since %}
    select * from {{ relation }}
    where _loaded_at > {{ since }}
    {#- Nothing loaded since: no older copy to look up (the lookup scans every raw row's key). #}
    {%- if tessera.raw_rows_loaded_after(relation, since) %}
    union all
    select * from {{ relation }}
    where _loaded_at <= {{ since }}
        and _loaded_at in (
            {%- if raw_column %}
            {#- Disjoint parts: a cleaned key never equals a raw value that cleaning would change. #}
            select _loaded_at
            from {{ relation }}
            where _loaded_at <= {{ since }}
                and {{ raw_column }} in ({{ touched_keys }})
            union all
            select _loaded_at
            from {{ relation }}
            where _loaded_at <= {{ since }}
                and ({{ raw_column }} like ' %' or {{ raw_column }} like '% ' or {{ raw_column }} like '%.%')
                and {{ key }} in ({{ touched_keys }})
            {%- else %}
            select _loaded_at
            from {{ relation }}
            where _loaded_at <= {{ since }}
                and {{ key }} in ({{ touched_keys }})
            {%- endif %}
        )
        and {{ key }} in ({{ touched_keys }})
    {%- endif %}
    {%- else %}
    select * from {{ relation }}
    {%- endif %}
{%- endmacro %}

{#- Whether `relation` holds a row loaded after `since` (a literal bound, so the engine reads only the row
    groups that can hold one); true while dbt parses. -#}
{% macro raw_rows_loaded_after(relation, since) -%}
    {%- if not execute -%}{{ return(true) }}{%- endif -%}
    {%- set query -%}
        select count(*) from (select 1 from {{ relation }} where _loaded_at > {{ since }} limit 1) as newer
    {%- endset -%}
    {{ return(tessera.query_value(query) > 0) }}
{%- endmacro %}


{#-
  The newest `column` (default `_loaded_at`) already in the model being built incrementally (`this`);
  1900-01-01 when it is empty, so an empty model reads everything. A staging model compares its raw rows'
  `_loaded_at` with its own newest `_loaded_at` (macro changed_raw_rows). A model built on staged tables
  compares their `_staged_at` with the newest stamp of its own builds (`_identified_at`, `_built_at`,
  `_staged_at`): every model of a dbt invocation stamps the invocation's start, so the rows staged since
  its last build are exactly those stamped after it, whatever order sources were loaded and staged in. At
  execution it is read first and written as a literal: engines prune storage by a literal bound, not by a
  scalar subquery.
-#}
{% macro last_build_watermark(column='_loaded_at') -%}
    {%- set watermark_sql -%}
        select coalesce(max({{ column }}), cast('1900-01-01' as {{ dbt.type_timestamp() }})) from {{ this }}
    {%- endset -%}
    {%- if execute -%}
        {%- set watermark = tessera.query_value(watermark_sql) -%}
        cast('{{ watermark }}' as {{ dbt.type_timestamp() }})
    {%- else -%}
        ({{ watermark_sql }})
    {%- endif -%}
{%- endmacro %}
