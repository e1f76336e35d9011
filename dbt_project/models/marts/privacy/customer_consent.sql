{#-
  Current consent per customer and purpose: the latest change decides (a revocation wins a tie); a
  purpose nobody recorded gets its configured default (`consent_defaults()`, source `default`).
  Syncs that declare a purpose send only customers whose status for it is `granted`.

  Incremental per customer (macros/profiles/touched_customers.sql): a customer's changes move only when
  int_record_resolutions re-resolves one of its records (now or before), and a customer appears or goes
  with its identifiers. So a build redoes the customers of the records resolved since the newest resolution
  it consumed (`_resolved_through`) and those an identifier joined or left since, and replaces all their
  rows (delete+insert on customer_id); every customer when the consent settings or defaults changed
  (`_settings_signature`). A redone customer that no longer exists writes a placeholder with no signature,
  which the post-hook deletes. A full refresh gives the same rows (tests/privacy/test_consent_incremental.py).
-#}
{{ config(
    materialized=tessera.upsert_materialization(),
    unique_key=['customer_id'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    post_hook="{{ tessera.delete_rows_not_signed(customer_consent_signature()) if is_incremental() }}",
) }}

-- depends_on: {{ ref('int_identity_assignment_history') }}

{%- set purposes = consent_purposes() -%}
{%- set defaults = consent_defaults() -%}
{%- set settings_signature = customer_consent_signature() %}
{%- set incremental = tessera.kept_rows_signed(settings_signature) %}

with

{{ tessera.per_customer_scope_ctes(incremental, history=ref('int_identity_assignment_history')) }}

consent_changes as (
    select * from {{ ref('int_consent_changes_unioned') }}
    where {{ tessera.in_customer_scope(incremental, 'customer_id') }}
),

existing_customers as (
    select distinct customer_id from {{ ref('customer_identifiers') }}
    where {{ tessera.in_customer_scope(incremental, 'customer_id') }}
),

{#- In an incremental build every redone customer gets rows: one that no longer exists gets a placeholder
    that replaces its old rows. -#}
customers as (
    {{ tessera.written_customers(incremental) }}
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

{#- A customer that no longer exists gets one placeholder row (no purpose, no signature). -#}
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
        coalesce(latest_changes.change_count, 0) as change_count,
        resolved_through.resolved_through as _resolved_through,
        case when customers.is_customer then '{{ settings_signature }}' end as _settings_signature
    from customers
    cross join resolved_through
    left join purposes on customers.is_customer
    left join latest_changes
        on latest_changes.customer_id = customers.customer_id
        and latest_changes.purpose = purposes.purpose
)

select * from final
