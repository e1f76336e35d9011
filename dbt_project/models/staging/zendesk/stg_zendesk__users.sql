{{ config(
    unique_key='zendesk_user_id',
    pre_hook="{{ tessera.restage_on_new_settings(tessera.staging_phone_settings_signature()) }}",
) }}

{%- set settings_signature = tessera.staging_phone_settings_signature() %}
{%- set incremental = tessera.staging_incremental(settings_signature) %}

{#- One row per Zendesk user: the row loaded last wins. -#}

with

source_users as (
    {{ changed_raw_rows(
        source('zendesk', 'zendesk_users'), normalise_id('id'), 'id', incremental=incremental
    ) }}
),

renamed as (
    select
        {{ normalise_id('id') }} as zendesk_user_id,
        {{ normalise_email('email') }} as email,
        {{ normalise_phone('phone') }} as phone,
        {{ clean_text('name') }} as full_name,
        {{ parse_timestamp_utc('created_at') }} as created_at,
        _loaded_at,
        _file,
        _row_number
    from source_users
),

ranked as (
    select
        renamed.*,
        row_number() over (
            partition by zendesk_user_id
            order by _loaded_at desc, _file desc, _row_number desc
        ) as version_rank
    from renamed
    where zendesk_user_id is not null
),

final as (
    select
        zendesk_user_id,
        email,
        phone,
        full_name,
        created_at,
        _loaded_at,
        {{ build_started_at() }} as _staged_at,
        cast('{{ settings_signature }}' as {{ dbt.type_string() }}) as _settings_signature
    from ranked
    where version_rank = 1
        and {{ not_tombstoned({'zendesk_user_id': 'zendesk_user_id', 'email': 'email', 'phone': 'phone'}) }}
)

select * from final
