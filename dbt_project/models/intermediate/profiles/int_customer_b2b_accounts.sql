{#-
  B2B account per customer from Segment `group` calls (the latest call names the account) and the job
  title from identify traits, with `is_decision_maker` from `decision_maker_pattern`. Only customers with a
  group call or a title have a row.

  Incremental per customer, like the survivorship (macros/profiles/touched_customers.sql): a build redoes the
  customers whose records were resolved since its `_resolved_through`, now and before (every customer when
  `decision_maker_pattern` changed), and replaces their rows; a redone customer left with no group call
  and no title writes a placeholder the post-hook deletes. A full refresh gives the same rows
  (tests/profiles/test_incremental_survivorship.py).
-#}
{{ config(
    materialized=tessera.upsert_materialization(),
    unique_key=['customer_id'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    post_hook="{{ tessera.delete_rows_not_signed(b2b_settings_signature()) if is_incremental() }}",
) }}

{%- set settings_signature = b2b_settings_signature() %}
{%- set incremental = is_incremental() and kept_table_has_column('_settings_signature')
    and not kept_rows_differ(settings_signature) %}

with

segment_events as (
    select * from {{ ref('stg_segment__events') }}
),

record_customers as (
    select * from {{ ref('int_record_customers') }}
),

resolutions as (
    select * from {{ ref('int_record_resolutions') }}
),

{{ tessera.per_customer_scope_ctes(incremental, last_build_watermark('_resolved_through') if incremental else none) }}

scoped_record_customers as (
    select record_id, customer_id
    from record_customers
    where source = 'segment'
        and {{ tessera.in_customer_scope(incremental, 'customer_id') }}
),

customer_segment_events as (
    select
        record_customers.customer_id,
        segment_events.message_id,
        segment_events.event_type,
        segment_events.group_id,
        segment_events.traits,
        segment_events.occurred_at
    from segment_events
    inner join scoped_record_customers as record_customers
        on record_customers.record_id = segment_events.message_id
    where (segment_events.event_type = 'group' and segment_events.group_id is not null)
        or segment_events.event_type = 'identify'
),

group_calls as (
    select
        customer_id,
        group_id as b2b_account_id,
        coalesce(
            {{ tessera.json_extract_text('traits', ['name']) }},
            {{ tessera.json_extract_text('traits', ['company']) }}
        ) as b2b_account_name,
        {{ tessera.json_extract_text('traits', ['industry']) }} as b2b_industry,
        {{ tessera.json_extract_text('traits', ['plan']) }} as b2b_plan,
        {{ tessera.to_integer(tessera.json_extract_text('traits', ['employees'])) }} as b2b_employees,
        row_number() over (partition by customer_id order by occurred_at desc, message_id desc) as recency_rank
    from customer_segment_events
    where event_type = 'group'
),

titles as (
    select
        customer_id,
        coalesce(
            {{ tessera.json_extract_text('traits', ['title']) }},
            {{ tessera.json_extract_text('traits', ['job_title']) }},
            {{ tessera.json_extract_text('traits', ['jobTitle']) }}
        ) as job_title,
        occurred_at,
        message_id
    from customer_segment_events
    where event_type = 'identify'
),

latest_titles as (
    select
        customer_id,
        job_title,
        row_number() over (partition by customer_id order by occurred_at desc, message_id desc) as recency_rank
    from titles
    where job_title is not null
),

customers as (
    select customer_id from group_calls where recency_rank = 1
    union
    select customer_id from latest_titles where recency_rank = 1
),

b2b_accounts as (
    select
        customers.customer_id,
        group_calls.b2b_account_id,
        group_calls.b2b_account_name,
        group_calls.b2b_industry,
        group_calls.b2b_plan,
        group_calls.b2b_employees,
        latest_titles.job_title,
        coalesce(
            {{ tessera.regex_matches('lower(latest_titles.job_title)', tessera.profile_decision_maker_pattern()) }},
            false
        ) as is_decision_maker,
        '{{ settings_signature }}' as _settings_signature
    from customers
    left join group_calls on group_calls.customer_id = customers.customer_id and group_calls.recency_rank = 1
    left join latest_titles
        on latest_titles.customer_id = customers.customer_id and latest_titles.recency_rank = 1
    {%- if incremental %}
    {#- A redone customer left with no account and no title: its placeholder replaces its old row. #}
    union all
    select
        touched_customers.customer_id,
        cast(null as {{ dbt.type_string() }}),
        cast(null as {{ dbt.type_string() }}),
        cast(null as {{ dbt.type_string() }}),
        cast(null as {{ dbt.type_string() }}),
        cast(null as {{ dbt.type_bigint() }}),
        cast(null as {{ dbt.type_string() }}),
        false,
        cast(null as {{ dbt.type_string() }})
    from touched_customers
    where not exists (select 1 from customers where customers.customer_id = touched_customers.customer_id)
    {%- endif %}
),

final as (
    select b2b_accounts.*, resolved_through.resolved_through as _resolved_through
    from b2b_accounts
    cross join resolved_through
)

select * from final
