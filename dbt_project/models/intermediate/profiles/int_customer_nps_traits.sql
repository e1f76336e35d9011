{#-
  NPS per customer up to the reference time: the latest response's score and its category (promoter 9-10,
  passive 7-8, detractor 0-6), and how many responses the customer gave.
-#}

with

responses as (
    select * from {{ ref('stg_nps__responses') }}
),

record_customers as (
    select * from {{ ref('int_record_customers') }}
),

as_of as (
    select * from {{ ref('int_profile_as_of') }}
),

customer_responses as (
    select
        record_customers.customer_id,
        responses.nps_response_id,
        responses.score,
        responses.responded_at,
        row_number() over (
            partition by record_customers.customer_id
            order by responses.responded_at desc, responses.nps_response_id desc
        ) as recency_rank,
        count(*) over (partition by record_customers.customer_id) as nps_responses_count
    from responses
    inner join record_customers
        on record_customers.source = 'nps'
        and record_customers.record_id = responses.nps_response_id
    cross join as_of
    where responses.responded_at <= as_of.as_of_at
        and responses.score is not null
),

final as (
    select
        customer_id,
        score as latest_nps_score,
        {{ tessera.nps_category('score') }} as latest_nps_category,
        responded_at as latest_nps_at,
        nps_responses_count
    from customer_responses
    where recency_rank = 1
)

select * from final
