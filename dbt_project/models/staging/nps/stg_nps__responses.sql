{{ config(unique_key='nps_response_id') }}

{#- One row per NPS response: a response id seen again (a re-sent file) keeps the copy loaded last. -#}

with

source_responses as (
    {{ changed_raw_rows(source('nps', 'nps_responses'), normalise_id('id'), 'id') }}
),

renamed as (
    select
        {{ normalise_id('id') }} as nps_response_id,
        {{ normalise_email('email') }} as email,
        {{ to_integer('score') }} as score,
        {{ clean_text('comment') }} as comment,
        {{ parse_timestamp_utc('created_at') }} as responded_at,
        _loaded_at,
        _file,
        _row_number
    from source_responses
),

ranked as (
    select
        renamed.*,
        row_number() over (
            partition by nps_response_id
            order by _loaded_at desc, _file desc, _row_number desc
        ) as version_rank
    from renamed
    where nps_response_id is not null
),

final as (
    select
        nps_response_id,
        email,
        score,
        comment,
        responded_at,
        _loaded_at,
        {{ build_started_at() }} as _staged_at
    from ranked
    where version_rank = 1
        and {{ not_tombstoned({'email': 'email'}) }}
)

select * from final
