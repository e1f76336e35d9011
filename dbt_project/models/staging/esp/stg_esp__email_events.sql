{{ config(unique_key='esp_event_id') }}

{#-
    One row per email engagement event. SendGrid retries webhooks, so an `sg_event_id` can arrive more
    than once: the copy loaded first wins.
-#}

with

source_events as (
    {{ changed_raw_rows(source('esp', 'esp_events'), clean_text('sg_event_id'), 'sg_event_id') }}
),

renamed as (
    select
        {{ clean_text('sg_event_id') }} as esp_event_id,
        {{ clean_text('sg_message_id') }} as esp_message_id,
        {{ normalise_email('email') }} as email,
        lower({{ clean_text('event') }}) as event_type,
        case
            when {{ is_numeric_text('timestamp') }} then {{ epoch_to_timestamp('trim(timestamp)') }}
        end as occurred_at,
        {{ clean_text('category') }} as category,
        _loaded_at,
        _file,
        _row_number
    from source_events
),

ranked as (
    select
        renamed.*,
        row_number() over (
            partition by esp_event_id
            order by _loaded_at, _file, _row_number
        ) as copy_number
    from renamed
    where esp_event_id is not null
),

final as (
    select
        esp_event_id,
        esp_message_id,
        email,
        event_type,
        occurred_at,
        category,
        _loaded_at,
        {{ build_started_at() }} as _staged_at
    from ranked
    where copy_number = 1
        and {{ not_tombstoned({'email': 'email'}) }}
)

select * from final
