{#-
  RFM scores (1-5, 5 best) for customers with at least one order: recency of the last order, number of
  orders and lifetime revenue, each split into quintiles by percent rank so equal values always share a
  score, and the segment name `rfm_segment_name` gives the scores.

  The ranks are over every buyer, so they are computed whole in every build; the table keeps its rows and
  a build writes only the customers whose scores changed, stamped `_built_at` (customer_traits redoes
  those), and a placeholder, deleted by the post-hook, for each customer who no longer has a row.
-#}
{{ config(
    materialized=tessera.upsert_materialization(),
    unique_key=['customer_id'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    post_hook="{{ tessera.delete_rows_not_signed(tessera.profile_traits_signature()) if is_incremental() }}",
) }}

{%- set incremental = tessera.traits_incremental('_built_at') %}
{%- set scores = ['rfm_recency_score', 'rfm_frequency_score', 'rfm_monetary_score'] %}

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

{%- if incremental %}

{#- The scores that changed, and a placeholder (no scores) for each kept customer who is no buyer now. -#}
written as (
    select scored.*, true as is_customer
    from scored
    left join {{ this }} as kept on kept.customer_id = scored.customer_id
    where kept.customer_id is null
        {%- for score in scores %}
        or kept.{{ score }} <> scored.{{ score }}
        {%- endfor %}
    union all
    select
        kept.customer_id,
        {%- for score in scores %}
        cast(null as integer) as {{ score }},
        {%- endfor %}
        false as is_customer
    from {{ this }} as kept
    left join scored on scored.customer_id = kept.customer_id
    where scored.customer_id is null
),
{%- else %}

written as (
    select scored.*, true as is_customer from scored
),
{%- endif %}

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
            as rfm_segment,
        case when is_customer then '{{ profile_traits_signature() }}' end as _settings_signature,
        {{ tessera.build_started_at() }} as _built_at
    from written
)

select * from final
