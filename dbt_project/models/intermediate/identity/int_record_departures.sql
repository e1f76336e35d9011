{#-
  Every time a record left a customer: appended by each build from the records int_record_resolutions
  re-resolved to another customer, or to none. int_record_resolutions keeps only the customer a record
  left in the build that last resolved it, so two identity builds with no per-customer mart between them
  would lose the first one (a record moved twice, or moved and then was staged again); the marts read
  whom to redo from here (macros/profiles/touched_customers.sql). A full build of int_record_resolutions
  leaves no departure to log. `--full-refresh` does not rebuild the log (`full_refresh=false`, like the
  assignment history): rebuilt alone, it would keep only each record's last departure, and a customer left
  earlier, that no mart has redone yet, would stay stale.
-#}
{{ config(
    materialized=tessera.upsert_materialization(),
    full_refresh=false,
    incremental_strategy='append',
    on_schema_change='append_new_columns',
) }}

with

resolutions as (
    select * from {{ ref('int_record_resolutions') }}
),

final as (
    select
        source,
        record_id,
        previous_customer_id as left_customer_id,
        customer_id,
        resolved_at as departed_at
    from resolutions
    where previous_customer_id is not null
        and (customer_id is null or customer_id <> previous_customer_id)
    {%- if is_incremental() %}
        and resolved_at > {{ last_build_watermark('departed_at') }}
    {%- endif %}
)

select * from final
