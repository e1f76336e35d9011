{#-
  The customer of every source record that resolves to one: marts join source facts to customers only
  through this view. The resolution itself, kept incrementally per record, is int_record_resolutions.
-#}
{{ config(materialized='view') }}

with

resolutions as (
    select * from {{ ref('int_record_resolutions') }}
),

final as (
    select source, record_id, customer_id, resolved_by
    from resolutions
    where customer_id is not null
)

select * from final
