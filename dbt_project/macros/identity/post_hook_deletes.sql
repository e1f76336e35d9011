{#-
  Post-hooks of the models kept incrementally per record. They only run in incremental builds (a full
  build has nothing to clean up).

  - release_records_of_gone_customers (int_record_resolutions): a record whose customer no longer exists
    (a forgotten person: their identifiers were erased, so no build reaches the record through a changed
    identifier) is released like one that stopped resolving: NULL customer (the gone one kept as its
    previous customer), stamped with this build.
  - delete_orphaned_rows (the timeline): delete the rows a build wrote with a NULL customer (the events of
    released records, which replace their old rows) and every row whose customer no longer exists.
  - delete_orders_of_gone_customers (fct_orders): delete the orders of customers that no longer exist (a
    forgotten person, whose staged orders were erased; orders without a customer are kept).
  - delete_stale_record_links (int_record_links): delete the placeholders of records left without links
    (they have replaced the old rows) and every row older than the oldest identifier row: when the
    identifier table was rebuilt from scratch this build re-read every record, so an older row belongs to
    a record that is gone.
  - delete_placeholder_nodes (int_identity_nodes): delete the placeholders of nodes no record carries any
    more (they have replaced the old rows).
  - delete_unassigned_identifiers (int_identity_current_assignments): delete the placeholders of
    identifiers released or gone (they have replaced the old rows) and the rows without `_node_updated_at`,
    which only the build after an upgrade leaves (it rewrote every current row).
-#}
{% macro release_records_of_gone_customers() -%}
    update {{ this }} as kept
    set previous_customer_id = customer_id, customer_id = null, resolved_by = null,
        resolved_at = {{ identity_run_at() }}
    where kept.customer_id is not null
        and not exists ({{ _current_customer_of('kept') }})
{%- endmacro %}


{% macro delete_orphaned_rows() -%}
    delete from {{ this }} as kept
    where kept.customer_id is null
        or not exists ({{ _current_customer_of('kept') }})
{%- endmacro %}


{% macro delete_orders_of_gone_customers() -%}
    delete from {{ this }} as kept
    where kept.customer_id is not null
        and not exists ({{ _current_customer_of('kept') }})
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


{% macro _current_customer_of(alias) -%}
    select 1
    from {{ ref('int_identity_current_assignments') }} as current_assignments
    where current_assignments.customer_id = {{ alias }}.customer_id
{%- endmacro %}
