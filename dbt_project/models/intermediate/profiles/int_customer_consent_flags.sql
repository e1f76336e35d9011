{#-
  Consent per customer and purpose: the latest change up to the reference time decides. A purpose never
  recorded is not granted. Changes come from `int_consent_changes_unioned` (consent events, ESP
  unsubscribes / spam reports / hard bounces, the CRM's marketing status, Segment identify traits), the
  same signals as the `customer_consent` mart, which holds the current status with defaults.

  Kept per customer (macros/profiles/trait_validity.sql): a build redoes the customers whose records were
  resolved since, those an identifier joined or left, and those with a change that the move of the
  reference time brought in.
-#}
{{ config(
    materialized=tessera.upsert_materialization(),
    unique_key=['customer_id'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    post_hook="{{ tessera.delete_rows_not_signed(tessera.profile_traits_signature()) if is_incremental() }}",
) }}

-- depends_on: {{ ref('int_identity_assignment_history') }}

{%- set incremental = tessera.traits_incremental() %}
{%- set purposes = tessera.profile_consent_purposes() %}

with

as_of as (
    select * from {{ ref('int_profile_as_of') }}
),

{{ tessera.trait_scope_ctes(incremental, also=[
    tessera.identifier_owners_changed(ref('int_identity_assignment_history'), last_build_watermark('_resolved_through'))
] if incremental else []) }}

consent_changes as (
    select * from {{ ref('int_consent_changes_unioned') }}
    where {{ tessera.in_customer_scope(incremental, 'customer_id') }}
),

existing_customers as (
    select distinct customer_id from {{ ref('customer_identifiers') }}
    where {{ tessera.in_customer_scope(incremental, 'customer_id') }}
),

customer_changes as (
    select
        consent_changes.customer_id,
        consent_changes.purpose,
        consent_changes.status,
        consent_changes.occurred_at,
        row_number() over (
            partition by consent_changes.customer_id, consent_changes.purpose
            order by consent_changes.occurred_at desc,
                case when consent_changes.status = 'revoked' then 0 else 1 end,
                consent_changes.consent_change_id
        ) as recency_rank
    from consent_changes
    cross join as_of
    where consent_changes.occurred_at <= as_of.as_of_at
),

latest_changes as (
    select * from customer_changes where recency_rank = 1
),

spans as (
    select
        consent_changes.customer_id
        {{- tessera.validity_columns([('consent_changes.occurred_at', none, none)]) }}
    from consent_changes
    cross join as_of
    group by consent_changes.customer_id
),

customers as (
    {{ tessera.written_customers(incremental) }}
),

flags as (
    select
        customers.customer_id
        {%- for purpose in purposes %},
        coalesce(max(case when latest_changes.purpose = '{{ purpose }}' then latest_changes.status end), 'unknown')
            as consent_{{ purpose }}_status,
        coalesce(max(case when latest_changes.purpose = '{{ purpose }}' and latest_changes.status = 'granted'
            then 1 else 0 end), 0) = 1 as consent_{{ purpose }},
        max(case when latest_changes.purpose = '{{ purpose }}' then latest_changes.occurred_at end)
            as consent_{{ purpose }}_updated_at
        {%- endfor %}
    from customers
    left join latest_changes on latest_changes.customer_id = customers.customer_id
    group by customers.customer_id
),

final as (
    select
        flags.*
        {{- tessera.trait_stamps('customers.is_customer', 'spans._valid_from', 'spans._valid_until') }}
    from flags
    inner join customers on customers.customer_id = flags.customer_id
    cross join resolved_through
    left join spans on spans.customer_id = flags.customer_id
)

select * from final
