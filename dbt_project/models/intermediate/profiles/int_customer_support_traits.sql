{#-
  Support per customer up to the reference time: tickets raised, tickets still open, the last ticket and
  CSAT (the share of rated tickets rated good, 0-100). A customer whose tickets all lie after the reference
  time has a row with none counted.

  Kept per customer (macros/profiles/trait_validity.sql): a build redoes the customers whose records were
  resolved since, and those with a ticket that the move of the reference time brought in.
-#}
{{ config(
    materialized=tessera.upsert_materialization(),
    unique_key=['customer_id'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    post_hook="{{ tessera.delete_rows_not_signed(tessera.profile_traits_signature()) if is_incremental() }}",
) }}

{%- set incremental = tessera.traits_incremental() %}
{%- set to_date = 'tickets.created_at <= as_of.as_of_at' %}

with

as_of as (
    select * from {{ ref('int_profile_as_of') }}
),

{{ tessera.trait_scope_ctes(incremental) }}

tickets as (
    select * from {{ ref('stg_zendesk__tickets') }}
),

record_customers as (
    select * from {{ ref('int_record_customers') }}
    where source = 'zendesk'
        and {{ tessera.in_customer_scope(incremental, 'customer_id') }}
),

per_customer as (
    select
        record_customers.customer_id,
        cast(sum(case when {{ to_date }} then 1 else 0 end) as bigint) as support_tickets_count,
        cast(sum(case when {{ to_date }} and tickets.status in ('new', 'open', 'pending', 'hold') then 1 else 0 end)
            as bigint) as open_tickets_count,
        max(case when {{ to_date }} then tickets.created_at end) as last_ticket_at,
        cast(sum(case when {{ to_date }} and tickets.satisfaction_score = 'good' then 1 else 0 end) as bigint)
            as csat_good_count,
        cast(sum(case when {{ to_date }} and tickets.satisfaction_score = 'bad' then 1 else 0 end) as bigint)
            as csat_bad_count
        {{- tessera.validity_columns([('tickets.created_at', none, none)]) }}
    from tickets
    inner join record_customers on record_customers.record_id = tickets.zendesk_user_id
    cross join as_of
    group by record_customers.customer_id
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
        per_customer.support_tickets_count,
        per_customer.open_tickets_count,
        per_customer.last_ticket_at,
        per_customer.csat_good_count,
        per_customer.csat_bad_count,
        cast(
            case when per_customer.csat_good_count + per_customer.csat_bad_count > 0
                then 100.0 * per_customer.csat_good_count / (per_customer.csat_good_count + per_customer.csat_bad_count) end
            as decimal(5, 1)
        ) as csat_pct
        {{- tessera.trait_stamps('customers.is_customer', 'per_customer._valid_from', 'per_customer._valid_until') }}
    from customers
    cross join resolved_through
    left join per_customer on per_customer.customer_id = customers.customer_id
)

select * from final
