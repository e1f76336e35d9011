{{ config(
    unique_key=['source_name', 'record_id'],
    pre_hook="{{ tessera.restage_on_new_settings(tessera.staging_phone_settings_signature()) }}",
) }}

{%- set settings_signature = tessera.staging_phone_settings_signature() %}
{%- set incremental = tessera.staging_incremental(settings_signature) %}

{#- One row per (custom source, record id): the row loaded last wins. -#}

with

source_records as (
    {{ changed_raw_rows(
        source('custom', 'custom_records'),
        dbt.concat(["coalesce(" ~ clean_text('source_name') ~ ", '')", "'|'", normalise_id('record_id')]),
        incremental=incremental,
    ) }}
),

renamed as (
    select
        {{ clean_text('source_name') }} as source_name,
        {{ normalise_id('record_id') }} as record_id,
        {{ normalise_email('email') }} as email,
        {{ normalise_phone('phone') }} as phone,
        {{ clean_text('user_id') }} as user_id,
        {{ normalise_id('crm_id') }} as crm_id,
        {{ normalise_id('loyalty_id') }} as loyalty_id,
        {{ parse_timestamp_utc('occurred_at') }} as occurred_at,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        attributes,
        _loaded_at,
        _file,
        _row_number
    from source_records
),

ranked as (
    select
        renamed.*,
        row_number() over (
            partition by source_name, record_id
            order by _loaded_at desc, _file desc, _row_number desc
        ) as version_rank
    from renamed
    where source_name is not null and record_id is not null
),

final as (
    select
        source_name,
        record_id,
        email,
        phone,
        user_id,
        crm_id,
        loyalty_id,
        occurred_at,
        first_name,
        last_name,
        attributes,
        _loaded_at,
        {{ build_started_at() }} as _staged_at,
        cast('{{ settings_signature }}' as {{ dbt.type_string() }}) as _settings_signature
    from ranked
    where version_rank = 1
        and {{ not_tombstoned({
        'email': 'email', 'phone': 'phone', 'user_id': 'user_id', 'crm_id': 'crm_id', 'loyalty_id': 'loyalty_id'
    }) }}
)

select * from final
