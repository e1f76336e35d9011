{{ config(unique_key='ticket_id') }}

{#-
    One row per Zendesk ticket: the version with the latest `updated_at` wins, then the one loaded last.
    Ids exported through a float (`123.0`) are read as whole numbers.
-#}

with

source_tickets as (
    {{ changed_raw_rows(source('zendesk', 'zendesk_tickets'), normalise_id('id'), 'id') }}
),

renamed as (
    select
        {{ normalise_id('id') }} as ticket_id,
        {{ normalise_id('requester_id') }} as zendesk_user_id,
        {{ parse_timestamp_utc('created_at') }} as created_at,
        {{ parse_timestamp_utc('updated_at') }} as updated_at,
        lower({{ clean_text('status') }}) as status,
        lower({{ clean_text('satisfaction_score') }}) as satisfaction_score,
        _loaded_at,
        _file,
        _row_number
    from source_tickets
),

ranked as (
    select
        renamed.*,
        row_number() over (
            partition by ticket_id
            order by coalesce(updated_at, created_at) desc, _loaded_at desc, _file desc, _row_number desc
        ) as version_rank
    from renamed
    where ticket_id is not null
),

final as (
    select
        ticket_id,
        zendesk_user_id,
        created_at,
        updated_at,
        status,
        satisfaction_score,
        _loaded_at,
        {{ build_started_at() }} as _staged_at
    from ranked
    where version_rank = 1
        and {{ not_tombstoned({'zendesk_user_id': 'zendesk_user_id'}) }}
)

select * from final
