{#-
  The surviving value of each golden-record attribute per customer, chosen by the attribute's rule in
  `profile_survivorship` (source priority then most recent, most recent, or most frequent), with the
  source and time it came from.
-#}

{%- set config = tessera.profile_survivorship() %}

with

candidates as (
    select * from {{ ref('int_profile_attribute_candidates') }}
),

candidates_counted as (
    select
        customer_id,
        attribute,
        value,
        source,
        observed_at,
        count(*) over (partition by customer_id, attribute, value) as value_record_count
    from candidates
),

{#- One window over every attribute (see survivorship_order); one per attribute re-read the candidates. -#}
ranked as (
    select
        customer_id,
        attribute,
        value,
        source,
        observed_at,
        row_number() over (
            partition by customer_id, attribute
            order by {{ tessera.survivorship_order(config, tessera.profile_attributes()) }}
        ) as value_rank,
        count(*) over (partition by customer_id, attribute) as candidate_count
    from candidates_counted
    where attribute in {{ tessera.sql_text_list(tessera.profile_attributes()) }}
),

final as (
    select
        customer_id,
        attribute,
        value,
        source,
        observed_at as updated_at,
        candidate_count
    from ranked
    where value_rank = 1
)

select * from final
