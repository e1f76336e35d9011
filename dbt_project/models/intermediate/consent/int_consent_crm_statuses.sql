{#-
  The CRM's marketing status per HubSpot contact (the export's "Marketing contact status" column, kept
  only in `_record`), as a grant or revocation of email marketing. The row loaded last wins, as in
  staging, and tombstoned (forgotten) contacts are filtered out as staging filters them.
-#}

{%- set crm = consent_crm_marketing_status() -%}

with

source_contacts as (
    select * from {{ source('hubspot', 'hubspot_contacts') }}
),

statuses as (
    select
        {{ normalise_id('record_id') }} as crm_id,
        lower({{ clean_text(json_extract_text('_record', [crm['column']])) }}) as marketing_status,
        {{ parse_timestamp_utc('create_date') }} as created_at,
        _loaded_at,
        row_number() over (
            partition by {{ normalise_id('record_id') }}
            order by _loaded_at desc, _file desc, _row_number desc
        ) as version_rank
    from source_contacts
),

final as (
    select
        crm_id,
        marketing_status,
        case
            when marketing_status in {{ consent_in_list(crm['granted']) }} then 'granted'
            when marketing_status in {{ consent_in_list(crm['revoked']) }} then 'revoked'
        end as status,
        coalesce(created_at, _loaded_at) as occurred_at
    from statuses
    where version_rank = 1
        and crm_id is not null
        and {{ not_tombstoned({'crm_id': 'crm_id'}) }}
        and (
            marketing_status in {{ consent_in_list(crm['granted']) }}
            or marketing_status in {{ consent_in_list(crm['revoked']) }}
        )
)

select * from final
