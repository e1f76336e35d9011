{#-
  Post-hooks of the models kept incrementally per record. They only run in incremental builds (a full
  build has nothing to clean up).

  - delete_rows_without_customer (the timeline, the attribute candidates, the consent changes, the B2B
    signals): delete the rows a build wrote with a NULL customer (released records, records that offer
    nothing any more), which have replaced the old rows.
  - delete_stale_record_links (int_record_links): delete the placeholders of records left without links
    (they have replaced the old rows) and every row older than the oldest identifier row: when the
    identifier table was rebuilt from scratch this build re-read every record, so an older row belongs to
    a record that is gone.
  - delete_placeholder_nodes (int_identity_nodes): delete the placeholders of nodes no record carries any
    more (they have replaced the old rows).
  - delete_unassigned_identifiers (int_identity_current_assignments): delete the placeholders of
    identifiers released or gone (they have replaced the old rows) and the rows without `_node_updated_at`,
    which only the build after an upgrade leaves (it rewrote every current row).

  None of them looks for rows of customers that no longer exist: a customer only goes away when every
  identifier it held moves or is released, which appends history rows, so int_record_resolutions
  re-resolves every record it had and the per-record models replace those records' rows; a forgotten
  person's rows are deleted by the privacy scrub (every row holding their customer id) before the rebuild.
  An anti-join of every kept row against the current customers cost 8 s per 1M-customer increment.
-#}
{% macro delete_rows_without_customer() -%}
    delete from {{ this }} where customer_id is null
{%- endmacro %}


{% macro delete_stale_record_links() -%}
    delete from {{ this }}
    where node_a is null
        or _identified_at < (select min(_identified_at) from {{ ref('int_identifiers_unioned') }})
{%- endmacro %}


{% macro delete_placeholder_nodes() -%}
    delete from {{ this }} where identifier_key is null
{%- endmacro %}


{% macro delete_unassigned_identifiers() -%}
    delete from {{ this }} where customer_id is null or _node_updated_at is null
{%- endmacro %}
