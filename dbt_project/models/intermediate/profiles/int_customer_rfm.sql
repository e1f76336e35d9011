{#-
  RFM scores (1-5, 5 best) for customers with at least one order: recency of the last order, number of
  orders and lifetime revenue, each split into quintiles by percent rank so equal values always share a
  score, and the segment name `rfm_segment_name` gives the scores.
-#}

with

order_traits as (
    select * from {{ ref('int_customer_order_traits') }}
),

buyers as (
    select * from order_traits where orders_count > 0
),

ranked as (
    select
        customer_id,
        percent_rank() over (order by last_order_at) as recency_rank,
        percent_rank() over (order by orders_count) as frequency_rank,
        percent_rank() over (order by lifetime_revenue) as monetary_rank
    from buyers
),

scored as (
    select
        customer_id,
        cast(least(5, 1 + floor(recency_rank * 5)) as integer) as rfm_recency_score,
        cast(least(5, 1 + floor(frequency_rank * 5)) as integer) as rfm_frequency_score,
        cast(least(5, 1 + floor(monetary_rank * 5)) as integer) as rfm_monetary_score
    from ranked
),

final as (
    select
        customer_id,
        rfm_recency_score,
        rfm_frequency_score,
        rfm_monetary_score,
        {{ dbt.concat([
            dbt.safe_cast('rfm_recency_score', dbt.type_string()),
            dbt.safe_cast('rfm_frequency_score', dbt.type_string()),
            dbt.safe_cast('rfm_monetary_score', dbt.type_string())]) }} as rfm_score,
        {{ tessera.rfm_segment_name('rfm_recency_score', 'rfm_frequency_score', 'rfm_monetary_score') }}
            as rfm_segment
    from scored
)

select * from final
