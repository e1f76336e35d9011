{#-
  Every consent signal, resolved to its customer: one row per (source record, purpose).
  - consent events (`consent/`), as recorded;
  - ESP unsubscribes and spam reports revoke email marketing; hard bounces revoke it too (the address
    is also on `suppression_list`);
  - the CRM's marketing status (`int_consent_crm_statuses`);
  - Segment `identify` traits that carry consent (`consent_traits()`).
  Records that resolve to no customer are left out: consent is kept per customer.
-#}

{%- set purposes = consent_purposes() -%}
{%- set esp_revocations = consent_esp_revocations() -%}
{%- set hard_bounces = consent_hard_bounce_events() -%}
{%- set traits = consent_traits() -%}
{%- set granted_values = "('true', 'yes', 'granted', 'opted_in', 'opt_in', '1')" -%}
{%- set revoked_values = "('false', 'no', 'revoked', 'opted_out', 'opt_out', '0')" -%}

with

consent_events as (
    select * from {{ ref('stg_consent__events') }}
),

esp_events as (
    select * from {{ ref('stg_esp__email_events') }}
),

segment_events as (
    select * from {{ ref('stg_segment__events') }}
),

crm_statuses as (
    select * from {{ ref('int_consent_crm_statuses') }}
),

record_customers as (
    select * from {{ ref('int_record_customers') }}
),

recorded_changes as (
    select
        'consent' as source,
        consent_event_id as record_id,
        purpose,
        status,
        occurred_at,
        coalesce(consent_source, 'consent_event') as consent_source
    from consent_events
    where purpose is not null and status in ('granted', 'revoked') and occurred_at is not null
),

esp_changes as (
    select
        'esp' as source,
        esp_event_id as record_id,
        'email_marketing' as purpose,
        'revoked' as status,
        occurred_at,
        case
            {%- for event_type, consent_source in esp_revocations.items() %}
            when event_type = '{{ event_type }}' then '{{ consent_source }}'
            {%- endfor %}
            else 'esp_hard_bounce'
        end as consent_source
    from esp_events
    where occurred_at is not null
        and (
            event_type in {{ consent_in_list(esp_revocations.keys() | list) }}
            or event_type in {{ consent_in_list(hard_bounces) }}
        )
),

crm_changes as (
    select
        'hubspot' as source,
        crm_id as record_id,
        'email_marketing' as purpose,
        status,
        occurred_at,
        'crm_marketing_status' as consent_source
    from crm_statuses
),

identify_traits as (
    select
        message_id,
        occurred_at
        {%- for path in traits %},
        lower({{ clean_text(json_extract_text('traits', path.split('.'))) }}) as trait_{{ loop.index }}
        {%- endfor %}
    from segment_events
    where event_type = 'identify' and traits is not null and occurred_at is not null
),

trait_changes as (
    {%- for path, target in traits.items() %}
    {%- set purpose = target.lstrip('!') %}
    {%- set grant_when = revoked_values if target.startswith('!') else granted_values %}
    {%- set revoke_when = granted_values if target.startswith('!') else revoked_values %}
    select
        'segment' as source,
        message_id as record_id,
        '{{ purpose }}' as purpose,
        case when trait_{{ loop.index }} in {{ grant_when }} then 'granted' else 'revoked' end as status,
        occurred_at,
        'segment_identify' as consent_source
    from identify_traits
    where trait_{{ loop.index }} in {{ grant_when }} or trait_{{ loop.index }} in {{ revoke_when }}
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

all_changes as (
    select * from recorded_changes
    union all
    select * from esp_changes
    union all
    select * from crm_changes
    union all
    select * from trait_changes
),

{#- A record naming one purpose twice (two consent traits) counts once; a revocation wins. -#}
ranked_changes as (
    select
        all_changes.*,
        row_number() over (
            partition by source, record_id, purpose
            order by case when status = 'revoked' then 0 else 1 end, consent_source
        ) as duplicate_rank
    from all_changes
    where purpose in {{ consent_in_list(purposes) }}
),

final as (
    select
        {{ dbt.hash(dbt.concat([
            'ranked_changes.source', "'|'", 'ranked_changes.record_id', "'|'", 'ranked_changes.purpose'
        ])) }} as consent_change_id,
        record_customers.customer_id,
        ranked_changes.purpose,
        ranked_changes.status,
        ranked_changes.occurred_at,
        ranked_changes.consent_source,
        ranked_changes.source,
        ranked_changes.record_id
    from ranked_changes
    inner join record_customers
        on record_customers.source = ranked_changes.source
        and record_customers.record_id = ranked_changes.record_id
    where ranked_changes.duplicate_rank = 1
)

select * from final
