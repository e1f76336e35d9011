{#-
  For the models kept per record (timeline, candidates, consent changes, B2B signals): the rows of `staged`, a
  staged table with ONE row per record (`key`, an expression over its columns), of the records in `records`
  (a relation or CTE with a column `record_id`), read without scanning the whole staged table when it can.

  Most records an incremental build re-resolves were staged after its last build (`since`): they are found
  by load time, which DuckDB answers from each row group's min/max without reading the older ones. The rest
  (records an identity change re-resolved without new data) are found by key in a second pass; an engine
  skips that scan when there are no such records (DuckDB does: an empty hash-join side ends the probe).
  Any `since` gives the same rows, because each record has one staged row: in one pass or the other.
  Not for a table with several rows per record: a record with a new row would lose its older rows.
  `since` none (a full build): every row; the model's join to its records does the rest.
-#}
{% macro staged_rows_of_records(staged, key, records, since) -%}
    {%- if since is none %}
    select * from {{ staged }}
    {%- else %}
    select * from {{ staged }}
    where _loaded_at > {{ since }}
        and {{ key }} in (select record_id from {{ records }})
    union all
    select * from {{ staged }}
    where {{ key }} in (
        select record_id from {{ records }}
        except
        select {{ key }} from {{ staged }} where _loaded_at > {{ since }}
    )
    {%- endif %}
{%- endmacro %}
