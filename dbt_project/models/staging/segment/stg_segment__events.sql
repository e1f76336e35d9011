{#-
    One row per Segment message. Retries and replays deliver the same messageId more than once: the copy
    received first wins (then the one loaded first). Email, phone and names come from `traits` on identify
    calls and from `context.traits` on every other call.
-#}

with

source_events as (
    select * from {{ source('segment', 'segment_events') }}
),

renamed as (
    select
        {{ clean_text('message_id') }} as message_id,
        lower({{ clean_text('type') }}) as event_type,
        coalesce(
            {{ clean_text('event') }},
            {{ clean_text(json_extract_text('_record', ['name'])) }}
        ) as event_name,
        {{ clean_text('user_id') }} as user_id,
        {{ clean_text('anonymous_id') }} as anonymous_id,
        {{ clean_text('previous_id') }} as previous_id,
        {{ clean_text('group_id') }} as group_id,
        {{ clean_text('device_id') }} as device_id,
        coalesce(
            {{ normalise_email(json_extract_text('traits', ['email'])) }},
            {{ normalise_email(json_extract_text('context', ['traits', 'email'])) }}
        ) as email,
        coalesce(
            {{ normalise_phone(json_extract_text('traits', ['phone'])) }},
            {{ normalise_phone(json_extract_text('context', ['traits', 'phone'])) }}
        ) as phone,
        coalesce(
            {{ clean_text(json_extract_text('traits', ['firstName'])) }},
            {{ clean_text(json_extract_text('traits', ['first_name'])) }},
            {{ clean_text(json_extract_text('context', ['traits', 'firstName'])) }},
            {{ clean_text(json_extract_text('context', ['traits', 'first_name'])) }}
        ) as first_name,
        coalesce(
            {{ clean_text(json_extract_text('traits', ['lastName'])) }},
            {{ clean_text(json_extract_text('traits', ['last_name'])) }},
            {{ clean_text(json_extract_text('context', ['traits', 'lastName'])) }},
            {{ clean_text(json_extract_text('context', ['traits', 'last_name'])) }}
        ) as last_name,
        case
            when {{ json_extract_text('context', ['app']) }} is not null
                or {{ json_extract_text('context', ['device']) }} is not null
                then 'app'
            else 'web'
        end as channel,
        coalesce(
            {{ parse_timestamp_utc('timestamp') }},
            {{ parse_timestamp_utc('sent_at') }},
            {{ parse_timestamp_utc('received_at') }}
        ) as occurred_at,
        coalesce({{ parse_timestamp_utc('received_at') }}, _loaded_at) as received_at,
        coalesce({{ cast_json('traits') }}, {{ json_extract_json('context', ['traits']) }}) as traits,
        properties,
        _loaded_at,
        _file,
        _row_number
    from source_events
),

ranked as (
    select
        renamed.*,
        row_number() over (
            partition by message_id
            order by received_at, _loaded_at, _file, _row_number
        ) as copy_number
    from renamed
    where message_id is not null
),

final as (
    select
        message_id,
        event_type,
        event_name,
        user_id,
        anonymous_id,
        previous_id,
        group_id,
        device_id,
        email,
        phone,
        first_name,
        last_name,
        channel,
        occurred_at,
        received_at,
        traits,
        properties,
        _loaded_at
    from ranked
    where copy_number = 1
        and {{ not_tombstoned({
        'user_id': 'user_id', 'anonymous_id': 'anonymous_id', 'previous_id': ['user_id', 'anonymous_id'],
        'device_id': 'device_id', 'email': 'email', 'phone': 'phone'
    }) }}
)

select * from final
