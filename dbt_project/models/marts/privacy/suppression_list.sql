{#-
  Everyone no sync may send to, whatever its purpose: hard-bounced and spam-reporting email addresses
  (ESP), manual entries (`<data dir>/suppressions/*.csv`, landed in `privacy.manual_suppressions` by
  `cdp load`), and erased people (their tombstones: salted hashes only, no value).
  One row per (reason, identifier); `customer_id` is the customer the identifier belongs to today.
-#}

{%- set manual_relation = privacy_relation('manual_suppressions') -%}
{%- set tombstone_relation = privacy_relation('tombstones') -%}

with

esp_suppressions as (
    select * from {{ ref('int_esp_suppressions') }}
),

customer_identifiers as (
    select * from {{ ref('customer_identifiers') }}
),

manual_entries as (
    {%- if manual_relation is not none %}
    select * from {{ manual_relation }}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as identifier_type,
        cast(null as {{ dbt.type_string() }}) as identifier_value,
        cast(null as {{ dbt.type_string() }}) as reason,
        cast(null as {{ dbt.type_timestamp() }}) as added_at,
        cast(null as {{ dbt.type_string() }}) as source_file
    where 1 = 0
    {%- endif %}
),

tombstones as (
    {%- if tombstone_relation is not none %}
    select * from {{ tombstone_relation }}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as identifier_hash,
        cast(null as {{ dbt.type_string() }}) as identifier_type,
        cast(null as {{ dbt.type_timestamp() }}) as created_at
    where 1 = 0
    {%- endif %}
),

manual_normalised as (
    select
        lower(trim(identifier_type)) as identifier_type,
        case lower(trim(identifier_type))
            when 'email' then {{ normalise_email('identifier_value') }}
            when 'phone' then {{ normalise_phone('identifier_value') }}
            else {{ clean_text('identifier_value') }}
        end as identifier_value,
        coalesce({{ clean_text('reason') }}, 'manual') as reason,
        added_at,
        source_file
    from manual_entries
),

manual_suppressions as (
    select
        identifier_type,
        identifier_value,
        'manual' as reason,
        min(added_at) as suppressed_at,
        'manual' as suppression_source
    from manual_normalised
    where identifier_value is not null
    group by identifier_type, identifier_value
),

identified as (
    select identifier_type, identifier_value, reason, suppressed_at, 'esp' as suppression_source
    from esp_suppressions
    union all
    select * from manual_suppressions
),

identified_resolved as (
    select
        {{ dbt.hash(dbt.concat(['identified.reason', "'|'", 'identified.identifier_type', "'|'",
            'identified.identifier_value'])) }} as suppression_id,
        identified.identifier_type,
        identified.identifier_value,
        {{ privacy_sha256('identified.identifier_value') }} as identifier_hash,
        customer_identifiers.customer_id,
        identified.reason,
        identified.suppressed_at,
        identified.suppression_source
    from identified
    left join customer_identifiers
        on customer_identifiers.identifier_type = identified.identifier_type
        and customer_identifiers.identifier_value = identified.identifier_value
),

erased as (
    select
        {{ dbt.hash(dbt.concat(["'erased|'", 'identifier_hash'])) }} as suppression_id,
        identifier_type,
        cast(null as {{ dbt.type_string() }}) as identifier_value,
        identifier_hash,
        cast(null as {{ dbt.type_string() }}) as customer_id,
        'erased' as reason,
        min(created_at) as suppressed_at,
        'privacy_forget' as suppression_source
    from tombstones
    group by identifier_hash, identifier_type
),

final as (
    select * from identified_resolved
    union all
    select * from erased
)

select * from final
