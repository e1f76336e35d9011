{{ config(
    unique_key='crm_id',
    pre_hook="{{ tessera.restage_on_new_settings(tessera.staging_phone_settings_signature()) }}",
) }}

{%- set settings_signature = tessera.staging_phone_settings_signature() %}
{%- set incremental = tessera.staging_incremental(settings_signature) %}

{#-
    One row per HubSpot contact. Each export repeats every contact: the row loaded last wins (within a
    load, the later file and row). Lifecycle stages are exported as labels ("Marketing Qualified Lead");
    they are stored as HubSpot's internal values (`marketingqualifiedlead`).
-#}

with

source_contacts as (
    {{ changed_raw_rows(
        source('hubspot', 'hubspot_contacts'), normalise_id('record_id'), 'record_id', incremental=incremental
    ) }}
),

renamed as (
    select
        {{ normalise_id('record_id') }} as crm_id,
        {{ normalise_email('email') }} as email,
        {#- HubSpot's Country/Region, when the export has it, says how to read national numbers. #}
        {{ normalise_phone_in_country('phone_number', 'country') }} as phone,
        {{ country_code('country') }} as country_code,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        {{ parse_timestamp_utc('create_date') }} as created_at,
        nullif({{ regex_replace_all("lower(trim(lifecycle_stage))", "[^a-z]", "") }}, '') as lifecycle_stage,
        _loaded_at,
        _file,
        _row_number
    from source_contacts
),

ranked as (
    select
        renamed.*,
        row_number() over (
            partition by crm_id
            order by _loaded_at desc, _file desc, _row_number desc
        ) as version_rank
    from renamed
    where crm_id is not null
),

final as (
    select
        crm_id,
        email,
        phone,
        first_name,
        last_name,
        created_at,
        lifecycle_stage,
        country_code,
        _loaded_at,
        {{ build_started_at() }} as _staged_at,
        cast('{{ settings_signature }}' as {{ dbt.type_string() }}) as _settings_signature
    from ranked
    where version_rank = 1
        and {{ not_tombstoned({'crm_id': 'crm_id', 'email': 'email', 'phone': 'phone'}) }}
)

select * from final
