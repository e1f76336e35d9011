{#-
  B2B account per customer from Segment `group` calls (the latest call names the account) and the job
  title from identify traits, with `is_decision_maker` from `decision_maker_pattern`. Only customers with a
  group call or a title have a row. Reads the signals int_segment_b2b_signals keeps per call, not the events.
-#}

with

signals as (
    select * from {{ ref('int_segment_b2b_signals') }} where customer_id is not null
),

group_calls as (
    select
        customer_id,
        b2b_account_id,
        b2b_account_name,
        b2b_industry,
        b2b_plan,
        b2b_employees,
        row_number() over (partition by customer_id order by occurred_at desc, record_id desc) as recency_rank
    from signals
    where event_type = 'group'
),

latest_titles as (
    select
        customer_id,
        job_title,
        row_number() over (partition by customer_id order by occurred_at desc, record_id desc) as recency_rank
    from signals
    where event_type = 'identify' and job_title is not null
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
