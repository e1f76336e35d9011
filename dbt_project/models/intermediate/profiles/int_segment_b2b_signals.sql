{{ config(
    materialized=tessera.upsert_materialization(),
    unique_key=['record_id'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    post_hook="{{ tessera.delete_rows_without_customer() if is_incremental() }}",
) }}

{#-
  The B2B signals of Segment calls, one row per `group` call (group_id and the account's traits) and per
  `identify` call (its job title, often none), with its customer. int_customer_b2b_accounts picks each
  customer's latest from this table instead of scanning every event on every build.

  Incremental per record like the timeline: a call's signal and customer only change when
  int_record_resolutions re-resolves it, so a build reads the Segment records resolved after the newest
  `_resolved_at` here and replaces their rows. Every identify call has a row, signal or not, so the table
  is not empty whenever the data has identify calls: an empty table has no watermark, and its next build
  would read every record again. A record that no longer resolves, or is no longer such a call, writes a
  row with no customer when it had one; the post-hook deletes those. A full refresh gives the same rows
  (tests/identity).
-#}

{%- set since = last_build_watermark('_resolved_at') if is_incremental() else none %}

with

record_customers as (
    {{ tessera.records_resolved_since('segment', since) }}
),

segment_events as (
    {{ tessera.staged_rows_of_records(ref('stg_segment__events'), 'message_id', 'record_customers', since) }}
),

signals as (
    select
        message_id as record_id,
        event_type,
        occurred_at,
        case when event_type = 'group' then group_id end as b2b_account_id,
        case when event_type = 'group' then coalesce(
            {{ tessera.json_extract_text('traits', ['name']) }},
            {{ tessera.json_extract_text('traits', ['company']) }}
        ) end as b2b_account_name,
        case when event_type = 'group' then {{ tessera.json_extract_text('traits', ['industry']) }} end
            as b2b_industry,
        case when event_type = 'group' then {{ tessera.json_extract_text('traits', ['plan']) }} end as b2b_plan,
        case when event_type = 'group'
            then {{ tessera.to_integer(tessera.json_extract_text('traits', ['employees'])) }}
        end as b2b_employees,
        case when event_type = 'identify' then coalesce(
            {{ tessera.json_extract_text('traits', ['title']) }},
            {{ tessera.json_extract_text('traits', ['job_title']) }},
            {{ tessera.json_extract_text('traits', ['jobTitle']) }}
        ) end as job_title
    from segment_events
    where (event_type = 'group' and group_id is not null) or event_type = 'identify'
),

{% if is_incremental() %}

kept as (
    select record_id from {{ this }}
),

{% endif %}

final as (
    select
        record_customers.record_id,
        case when signals.record_id is not null then record_customers.customer_id end as customer_id,
        signals.event_type,
        signals.occurred_at,
        signals.b2b_account_id,
        signals.b2b_account_name,
        signals.b2b_industry,
        signals.b2b_plan,
        signals.b2b_employees,
        signals.job_title,
        record_customers.resolved_at as _resolved_at
    from record_customers
    {%- if is_incremental() %}
    {#- A record without a signal needs its placeholder only when it has a row to replace. #}
    left join signals on signals.record_id = record_customers.record_id
    left join kept on kept.record_id = record_customers.record_id
    where signals.record_id is not null or kept.record_id is not null
    {%- else %}
    inner join signals on signals.record_id = record_customers.record_id
    {%- endif %}
)

select * from final
