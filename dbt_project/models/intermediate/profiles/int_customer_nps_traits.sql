{#-
  NPS per customer up to the reference time: the latest response's score and its category (promoter 9-10,
  passive 7-8, detractor 0-6), and how many responses the customer gave. A customer whose scored responses
  all lie after the reference time has a row with no score.

  Kept per customer (macros/profiles/trait_validity.sql): a build redoes the customers whose records were
  resolved since, and those with a response that the move of the reference time brought in.
-#}
{{ config(
    materialized=tessera.upsert_materialization(),
    unique_key=['customer_id'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    post_hook="{{ tessera.delete_rows_not_signed(tessera.profile_traits_signature()) if is_incremental() }}",
) }}

{%- set incremental = tessera.traits_incremental() %}

with

as_of as (
    select * from {{ ref('int_profile_as_of') }}
),

{{ tessera.trait_scope_ctes(incremental) }}

responses as (
    select * from {{ ref('stg_nps__responses') }} where score is not null
),

record_customers as (
    select * from {{ ref('int_record_customers') }}
    where source = 'nps'
        and {{ tessera.in_customer_scope(incremental, 'customer_id') }}
),

customer_responses as (
    select
        record_customers.customer_id,
        responses.nps_response_id,
        responses.score,
        responses.responded_at,
        responses.responded_at <= as_of.as_of_at as is_to_date
    from responses
    inner join record_customers on record_customers.record_id = responses.nps_response_id
    cross join as_of
),

ranked_responses as (
    select
        customer_id,
        score,
        responded_at,
        row_number() over (
            partition by customer_id
            order by case when is_to_date then 0 else 1 end, responded_at desc, nps_response_id desc
        ) as recency_rank,
        sum(case when is_to_date then 1 else 0 end) over (partition by customer_id) as nps_responses_count
    from customer_responses
),

per_customer as (
    select
        customer_responses.customer_id
        {{- tessera.validity_columns([('customer_responses.responded_at', none, none)]) }}
    from customer_responses
    cross join as_of
    group by customer_responses.customer_id
),

latest_responses as (
    select * from ranked_responses where recency_rank = 1 and nps_responses_count > 0
),

existing_customers as (
    select customer_id from per_customer
),

customers as (
    {{ tessera.written_customers(incremental) }}
),

final as (
    select
        customers.customer_id,
        latest_responses.score as latest_nps_score,
        {{ tessera.nps_category('latest_responses.score') }} as latest_nps_category,
        latest_responses.responded_at as latest_nps_at,
        cast(coalesce(latest_responses.nps_responses_count, 0) as bigint) as nps_responses_count
        {{- tessera.trait_stamps('customers.is_customer', 'per_customer._valid_from', 'per_customer._valid_until') }}
    from customers
    cross join resolved_through
    left join per_customer on per_customer.customer_id = customers.customer_id
    left join latest_responses on latest_responses.customer_id = customers.customer_id
)

select * from final
