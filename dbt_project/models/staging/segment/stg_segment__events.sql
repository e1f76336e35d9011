{{ config(
    unique_key='message_id',
    pre_hook="{{ tessera.restage_on_new_settings(tessera.staging_phone_settings_signature()) }}",
) }}

{%- set settings_signature = tessera.staging_phone_settings_signature() %}
{%- set incremental = tessera.staging_incremental(settings_signature) %}

{#-
    One row per Segment message. Retries and replays deliver the same messageId more than once: the copy
    received first wins (then the one loaded first). Email, phone and names come from `traits` on identify
    calls and from `context.traits` on every other call.
-#}

with

source_events as (
    {{ changed_raw_rows(
        source('segment', 'segment_events'), clean_text('message_id'), 'message_id', incremental=incremental
    ) }}
),

{#-
    Copies of a message that lose to an earlier one. Dedupe ranks only the messages that have copies, on
    narrow columns, instead of ranking every wide row: at 20M events that window is most of the model.
    A full build reads the raw table again here rather than source_events: a CTE read twice is materialized
    whole by DuckDB, which costs more than the second narrow scan. An incremental build reads source_events,
    which holds every copy of each touched message and is small: copying it is cheaper than cleaning the id
    of every raw row.
-#}
{%- set received_at = 'coalesce(' ~ parse_timestamp_utc('received_at') ~ ', _loaded_at)' %}
{%- set raw_events = 'source_events' if incremental else source('segment', 'segment_events') %}
copied_messages as (
    select {{ clean_text('message_id') }} as message_id
    from {{ raw_events }}
    group by {{ clean_text('message_id') }}
    having count(*) > 1
),

{#- A raw row is (_loaded_at, _file, _row_number): a file loaded again after a change reuses its name. -#}
losing_copies as (
    select _loaded_at, _file, _row_number
    from (
        select
            _loaded_at,
            _file,
            _row_number,
            row_number() over (
                partition by {{ clean_text('message_id') }}
                order by {{ received_at }}, _loaded_at, _file, _row_number
            ) as copy_number
        from {{ raw_events }}
        where {{ clean_text('message_id') }} in (select message_id from copied_messages)
    ) as copies
    where copy_number > 1
),

kept_events as (
    select source_events.*
    from source_events
    left join losing_copies
        on losing_copies._loaded_at = source_events._loaded_at
        and losing_copies._file = source_events._file
        and losing_copies._row_number = source_events._row_number
    where losing_copies._file is null
),

{#-
    Every key of `traits` and `context` is read here, once per row and column (json_extract_texts), into
    text columns: the normalisation macros below repeat their input many times.
-#}
{%- set trait_keys = [['email'], ['phone'], ['firstName'], ['first_name'], ['lastName'], ['last_name']] -%}
{%- set from_traits = json_extract_texts('traits', trait_keys) -%}
{%- set context_keys = [['app'], ['device']] -%}
{%- for key in trait_keys %}{% do context_keys.append(['traits'] + key) %}{% endfor -%}
{%- set from_context = json_extract_texts('context', context_keys) -%}
extracted as (
    select
        kept_events.*,
        {{ from_traits[0] }} as traits_email,
        {{ from_context[2] }} as context_email,
        {{ from_traits[1] }} as traits_phone,
        {{ from_context[3] }} as context_phone,
        coalesce(
            {{ clean_text(from_traits[2]) }},
            {{ clean_text(from_traits[3]) }},
            {{ clean_text(from_context[4]) }},
            {{ clean_text(from_context[5]) }}
        ) as first_name_text,
        coalesce(
            {{ clean_text(from_traits[4]) }},
            {{ clean_text(from_traits[5]) }},
            {{ clean_text(from_context[6]) }},
            {{ clean_text(from_context[7]) }}
        ) as last_name_text,
        {{ from_context[0] }} is not null or {{ from_context[1] }} is not null as from_app
    from kept_events
),

renamed as (
    select
        {{ clean_text('message_id') }} as message_id,
        lower({{ clean_text('type') }}) as event_type,
        {#- Page and screen calls name themselves in `name`. #}
        coalesce({{ clean_text('event') }}, {{ clean_text('name') }}) as event_name,
        {{ clean_text('user_id') }} as user_id,
        {{ clean_text('anonymous_id') }} as anonymous_id,
        {{ clean_text('previous_id') }} as previous_id,
        {{ clean_text('group_id') }} as group_id,
        {{ clean_text('device_id') }} as device_id,
        coalesce({{ normalise_email('traits_email') }}, {{ normalise_email('context_email') }}) as email,
        coalesce({{ normalise_phone('traits_phone') }}, {{ normalise_phone('context_phone') }}) as phone,
        first_name_text as first_name,
        last_name_text as last_name,
        case when from_app then 'app' else 'web' end as channel,
        coalesce(
            {{ parse_timestamp_utc('timestamp') }},
            {{ parse_timestamp_utc('sent_at') }},
            {{ parse_timestamp_utc('received_at') }}
        ) as occurred_at,
        {{ received_at }} as received_at,
        coalesce({{ cast_json('traits') }}, {{ json_extract_json('context', ['traits']) }}) as traits,
        properties,
        _loaded_at,
        _file,
        _row_number
    from extracted
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
        _loaded_at,
        {{ build_started_at() }} as _staged_at,
        cast('{{ settings_signature }}' as {{ dbt.type_string() }}) as _settings_signature
    from renamed
    where message_id is not null
        and {{ not_tombstoned({
        'user_id': 'user_id', 'anonymous_id': 'anonymous_id', 'previous_id': ['user_id', 'anonymous_id'],
        'device_id': 'device_id', 'email': 'email', 'phone': 'phone'
    }) }}
)

select * from final
