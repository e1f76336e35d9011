{#-
  B2B account per customer from Segment `group` calls (the latest call names the account) and the job
  title from identify traits, with `is_decision_maker` from `decision_maker_pattern`. Only customers with a
  group call or a title have a row.
-#}

with

segment_events as (
    select * from {{ ref('stg_segment__events') }}
),

record_customers as (
    select * from {{ ref('int_record_customers') }}
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
    inner join record_customers
        on record_customers.source = 'segment'
        and record_customers.record_id = segment_events.message_id
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

final as (
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
        ) as is_decision_maker
    from customers
    left join group_calls on group_calls.customer_id = customers.customer_id and group_calls.recency_rank = 1
    left join latest_titles
        on latest_titles.customer_id = customers.customer_id and latest_titles.recency_rank = 1
)

select * from final
