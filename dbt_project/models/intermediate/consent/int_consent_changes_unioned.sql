{{ config(
    materialized=tessera.upsert_materialization(),
    unique_key=['source', 'record_id'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    post_hook="{{ tessera.delete_rows_without_customer() if is_incremental() }}",
) }}

{#-
  Every consent signal, resolved to its customer: one row per (source record, purpose).
  - consent events (`consent/`), as recorded;
  - ESP unsubscribes and spam reports revoke email marketing; hard bounces revoke it too (the address
    is also on `suppression_list`);
  - the CRM's marketing status (`int_consent_crm_statuses`);
  - Segment `identify` traits that carry consent (`consent_traits()`).
  Records that resolve to no customer are left out: consent is kept per customer.

  Incremental, per record like the timeline: a record's changes depend only on its staged row and its
  customer, and int_record_resolutions re-resolves (and stamps) every record staged again or touched by an
  identity change. So a build derives the changes of the records resolved after the newest `_resolved_at`
  here (every record when the consent settings changed: `_settings_signature`) and replaces all the rows of
  each such record; a record that now yields no change (a CRM status removed) or no customer writes one
  row with a NULL customer, which the post-hook deletes.
  A full refresh gives the same rows (tests/identity/test_incremental_resolution.py).
-#}

{%- set purposes = consent_purposes() -%}
{%- set esp_revocations = consent_esp_revocations() -%}
{%- set hard_bounces = consent_hard_bounce_events() -%}
{%- set traits = consent_traits() -%}
{%- set granted_values = "('true', 'yes', 'granted', 'opted_in', 'opt_in', '1')" -%}
{%- set revoked_values = "('false', 'no', 'revoked', 'opted_out', 'opt_out', '0')" -%}
{%- set settings_signature = consent_settings_signature() -%}
{%- set sources = ['consent', 'esp', 'hubspot', 'segment'] -%}
{%- set since = none %}
{%- if tessera.kept_rows_signed(settings_signature) %}
{%- set since = last_build_watermark('_resolved_at') %}
{#- A plain filter on the stamp, which DuckDB answers from each row group's min/max. #}
{%- set record_filter = 'resolved_at > ' ~ since %}
{%- elif is_incremental() %}
{#- Other consent settings, or kept by a version that rebuilt this table whole (no stamps yet): derive
    every record once. #}
{%- set record_filter = 'true' %}
{%- else %}
{%- set record_filter = 'customer_id is not null' %}
{%- endif %}

with

{#- The records to derive, one CTE per source so each staged table is semi-joined to its own records
    only; `resolved_records` (all four, read apart) attaches the customer. -#}
{%- for source_name in sources %}
{{ source_name }}_records as (
    select record_id
    from {{ ref('int_record_resolutions') }}
    where source = '{{ source_name }}' and {{ record_filter }}
),
{% endfor %}
resolved_records as (
    select source, record_id, customer_id, resolved_at
    from {{ ref('int_record_resolutions') }}
    where source in {{ consent_in_list(sources) }} and {{ record_filter }}
),

{#- The large staged tables are read for those records only (macro staged_rows_of_records). -#}
consent_events as (
    {{ tessera.staged_rows_of_records(ref('stg_consent__events'), 'consent_event_id', 'consent_records', since) }}
),

esp_events as (
    {{ tessera.staged_rows_of_records(ref('stg_esp__email_events'), 'esp_event_id', 'esp_records', since) }}
),

segment_events as (
    {{ tessera.staged_rows_of_records(ref('stg_segment__events'), 'message_id', 'segment_records', since) }}
),

crm_statuses as (
    select * from {{ ref('int_consent_crm_statuses') }}
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
    where consent_event_id in (select record_id from consent_records)
        and purpose is not null and status in ('granted', 'revoked') and occurred_at is not null
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
    where esp_event_id in (select record_id from esp_records)
        and occurred_at is not null
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
    where crm_id in (select record_id from hubspot_records)
),

identify_traits as (
    select
        message_id,
        occurred_at
        {%- for path in traits %},
        lower({{ clean_text(json_extract_text('traits', path.split('.'))) }}) as trait_{{ loop.index }}
        {%- endfor %}
    from segment_events
    where message_id in (select record_id from segment_records)
        and event_type = 'identify' and traits is not null and occurred_at is not null
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

{% if is_incremental() %}
kept_records as (
    select distinct source, record_id from {{ this }}
),

{% endif %}
{#- A record with no change left (or no customer) keeps one row, customer NULL: it replaces the old rows. -#}
final as (
    select
        {{ dbt.hash(dbt.concat([
            'ranked_changes.source', "'|'", 'ranked_changes.record_id', "'|'", 'ranked_changes.purpose'
        ])) }} as consent_change_id,
        case when ranked_changes.record_id is not null then resolved_records.customer_id end as customer_id,
        ranked_changes.purpose,
        ranked_changes.status,
        ranked_changes.occurred_at,
        ranked_changes.consent_source,
        resolved_records.source,
        resolved_records.record_id,
        resolved_records.resolved_at as _resolved_at,
        '{{ settings_signature }}' as _settings_signature
    from resolved_records
    {{ 'left' if is_incremental() else 'inner' }} join ranked_changes
        on ranked_changes.source = resolved_records.source
        and ranked_changes.record_id = resolved_records.record_id
        and ranked_changes.duplicate_rank = 1
    {%- if is_incremental() %}
    {#- A record without a change needs its placeholder only when it has rows to replace. #}
    left join kept_records
        on kept_records.source = resolved_records.source
        and kept_records.record_id = resolved_records.record_id
    where ranked_changes.record_id is not null or kept_records.record_id is not null
    {%- endif %}
)

select * from final
