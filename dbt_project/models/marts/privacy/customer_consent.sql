{#-
  Current consent per customer and purpose: the latest change decides (a revocation wins a tie); a
  purpose nobody recorded gets its configured default (`consent_defaults()`, source `default`).
  Syncs that declare a purpose send only customers whose status for it is `granted`.
-#}

{%- set purposes = consent_purposes() -%}
{%- set defaults = consent_defaults() -%}

with

consent_changes as (
    select * from {{ ref('int_consent_changes_unioned') }}
),

customer_identifiers as (
    select * from {{ ref('customer_identifiers') }}
),

customers as (
    select distinct customer_id from customer_identifiers
),

purposes as (
    {%- for purpose in purposes %}
    select '{{ purpose }}' as purpose, '{{ defaults.get(purpose, 'not_given') }}' as default_status
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

ranked_changes as (
    select
        consent_changes.*,
        row_number() over (
            partition by customer_id, purpose
            order by occurred_at desc, case when status = 'revoked' then 0 else 1 end, consent_change_id
        ) as recency_rank,
        count(*) over (partition by customer_id, purpose) as change_count
    from consent_changes
),

latest_changes as (
    select * from ranked_changes where recency_rank = 1
),

final as (
    select
        customers.customer_id,
        purposes.purpose,
        coalesce(latest_changes.status, purposes.default_status) as status,
        coalesce(latest_changes.status, purposes.default_status) = 'granted' as is_granted,
        latest_changes.status is null as is_default,
        latest_changes.occurred_at as changed_at,
        coalesce(latest_changes.consent_source, 'default') as consent_source,
        latest_changes.source as changed_by_source,
        coalesce(latest_changes.change_count, 0) as change_count
    from customers
    cross join purposes
    left join latest_changes
        on latest_changes.customer_id = customers.customer_id
        and latest_changes.purpose = purposes.purpose
)

select * from final
