{{ config(unique_key='consent_event_id') }}

{%- set consent_event_key %}{{ dbt.hash(dbt.concat([
            "coalesce(trim(email), '')", "'|'",
            "coalesce(trim(user_id), '')", "'|'",
            "coalesce(trim(purpose), '')", "'|'",
            "coalesce(trim(status), '')", "'|'",
            "coalesce(trim(occurred_at), '')", "'|'",
            "coalesce(trim(source), '')"
        ])) }}{% endset -%}

{#-
    One row per distinct consent change. Lines carry no id: `consent_event_id` is a hash of the line's
    values as sent, so a line sent twice is one event (the copy loaded first is kept).
-#}

with

source_events as (
    {{ changed_raw_rows(source('consent', 'consent_events'), consent_event_key) }}
),

renamed as (
    select
        {{ consent_event_key }} as consent_event_id,
        {{ normalise_email('email') }} as email,
        {{ clean_text('user_id') }} as user_id,
        lower({{ clean_text('purpose') }}) as purpose,
        lower({{ clean_text('status') }}) as status,
        {{ parse_timestamp_utc('occurred_at') }} as occurred_at,
        {{ clean_text('source') }} as consent_source,
        _loaded_at,
        _file,
        _row_number
    from source_events
),

ranked as (
    select
        renamed.*,
        row_number() over (
            partition by consent_event_id
            order by _loaded_at, _file, _row_number
        ) as copy_number
    from renamed
),

final as (
    select
        consent_event_id,
        email,
        user_id,
        purpose,
        status,
        occurred_at,
        consent_source,
        _loaded_at,
        {{ build_started_at() }} as _staged_at
    from ranked
    where copy_number = 1
        and {{ not_tombstoned({'email': 'email', 'user_id': 'user_id'}) }}
)

select * from final
