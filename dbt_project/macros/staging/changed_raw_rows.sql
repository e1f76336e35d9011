{#-
  The raw rows a staging model reads: `select * from <raw table>` in a full build; in an incremental build
  only the rows of records touched since the last build. A record is touched when any copy of it was loaded
  at or after the newest `_loaded_at` already staged; every copy of a touched record is read (old ones too),
  so the model's dedupe picks the same winner a full build would, and `delete+insert` on the model's key
  replaces the staged row. Raw tables are append-only, so untouched records cannot have changed.

  `key` is the SQL of the record key over raw columns (as the model computes it, e.g.
  `clean_text('message_id')`); rows whose key is NULL are never read incrementally (models drop them).
  Rows deleted from raw by hand are not noticed: rebuild with `--full-refresh` (privacy forget scrubs
  staged rows itself).
-#}
{% macro changed_raw_rows(relation, key) -%}
    select * from {{ relation }}
    {%- if is_incremental() %}
    where {{ key }} in (
        select {{ key }}
        from {{ relation }}
        where _loaded_at >= {{ last_build_watermark() }}
    )
    {%- endif %}
{%- endmacro %}


{#-
  The newest `_loaded_at` already in the model being built incrementally (`this`), as a scalar subquery;
  1900-01-01 when it is empty, so an empty model reads everything. Models that carry `_loaded_at` compare
  their inputs' `_loaded_at` with it to find what was staged since their last build.
-#}
{% macro last_build_watermark() -%}
    (select coalesce(max(_loaded_at), cast('1900-01-01' as {{ dbt.type_timestamp() }})) from {{ this }})
{%- endmacro %}
