{#-
  Every identifier seen on every staged source record: one row per (source, record, identifier), with the
  identifier's integer node id for the graph. Values arrive normalised from staging (emails lower-cased,
  phones E.164); ids are trimmed text.

  Incremental: a build re-reads only the records staged since its last build (`_staged_at` after the
  newest `_identified_at` here), and replaces all identifier rows of those records (delete+insert on source,
  record_id). Staging time, not load time: a file loaded before the last build but staged after it (a
  partial build that staged other sources first, or, on Postgres, a load still committing while a build ran)
  would otherwise be skipped for good. Two cases reach beyond the new
  rows: a Zendesk user's record also carries its tickets (new tickets re-read their requester), and an
  alias's previousId is typed by whether it is known as a user id anywhere (events naming a newly seen
  user id as previousId are re-read). `_identified_at` is when a build last wrote the record's rows: the
  models downstream read the records written since their own last build by it. A full refresh gives the
  same rows (tests/identity), with other node ids.

  Node ids: an identifier keeps its node id from build to build; a new one gets the next free id (a full
  refresh numbers all of them by type and value). So the models downstream join on an integer and keep
  node ids between builds (int_record_links). An identifier that leaves every record gives its id up.
-#}
{{ config(
    materialized=tessera.upsert_materialization(),
    unique_key=['source', 'record_id'],
    incremental_strategy='delete+insert',
    on_schema_change='fail',
) }}

{%- set watermark = last_build_watermark('_identified_at') if is_incremental() else none %}
{#- Strictly after: every model of a dbt invocation stamps its rows with the invocation's start, and staging
    runs before this model, so the rows stamped with the watermark were read by the build that wrote it. -#}
{%- set since_last_build = ('where _staged_at > ' ~ watermark) if is_incremental() else '' %}
{#- A full build reads the identifier rows twice (to number the identifiers, then to give each row its
    number): every CTE they come from is inlined, so no copy of all of them is kept (see inline_cte). An
    incremental build reads few rows, and keeping them is cheaper than staging them twice. -#}
{%- set inline = '' if is_incremental() else tessera.inline_cte() %}

with

{#- Only the columns identity needs (events are the bulk). Each read below scans the table itself: through
    one CTE read twice, DuckDB would first copy every event (1.5 of 2 s at 300k customers, incremental). #}
{%- set segment_columns = 'message_id, occurred_at, _loaded_at, anonymous_id, user_id, previous_id, email, phone, device_id' %}
segment_events as {{ inline }} (
    select {{ segment_columns }} from {{ ref('stg_segment__events') }} {{ since_last_build }}
    {%- if is_incremental() %}
    union all
    select {{ segment_columns }} from {{ ref('stg_segment__events') }}
    where previous_id in (select user_id from {{ ref('stg_segment__events') }} {{ since_last_build }})
        and _staged_at <= {{ watermark }}
    {%- endif %}
),

shopify_orders as {{ inline }} (
    select * from {{ ref('stg_shopify__orders') }} {{ since_last_build }}
),

hubspot_contacts as {{ inline }} (
    select * from {{ ref('stg_hubspot__contacts') }} {{ since_last_build }}
),

pos_sale_lines as {{ inline }} (
    select * from {{ ref('stg_pos__sale_lines') }} {{ since_last_build }}
),

esp_email_events as {{ inline }} (
    select * from {{ ref('stg_esp__email_events') }} {{ since_last_build }}
),

{#- A Zendesk record is the user and their tickets: re-read all of it when either changed. -#}
zendesk_changed_users as (
    select zendesk_user_id from {{ ref('stg_zendesk__users') }} {{ since_last_build }}
    union
    select zendesk_user_id from {{ ref('stg_zendesk__tickets') }} {{ since_last_build }}
),

zendesk_users as {{ inline }} (
    select * from {{ ref('stg_zendesk__users') }}
    {%- if is_incremental() %}
    where zendesk_user_id in (select zendesk_user_id from zendesk_changed_users)
    {%- endif %}
),

zendesk_tickets as {{ inline }} (
    select * from {{ ref('stg_zendesk__tickets') }}
    {%- if is_incremental() %}
    where zendesk_user_id in (select zendesk_user_id from zendesk_changed_users)
    {%- endif %}
),

nps_responses as {{ inline }} (
    select * from {{ ref('stg_nps__responses') }} {{ since_last_build }}
),

consent_events as {{ inline }} (
    select * from {{ ref('stg_consent__events') }} {{ since_last_build }}
),

custom_records as {{ inline }} (
    select * from {{ ref('stg_custom__records') }} {{ since_last_build }}
),

{#- An alias's previousId is usually an anonymous id; it is a user id when it is known as one. Read from
    the table, not `segment_events`: a CTE read twice is materialized whole (8% of this model at 100k). -#}
segment_user_ids as {{ inline }} (
    select distinct user_id from {{ ref('stg_segment__events') }} where user_id is not null
),

{#- A previousId equal to the event's own anonymous / user id adds nothing (and would repeat a pair). -#}
segment_typed as {{ inline }} (
    select
        segment_events.*,
        case when segment_events.previous_id is not null and segment_user_ids.user_id is null
            and segment_events.previous_id <> coalesce(segment_events.anonymous_id, '')
            then segment_events.previous_id end as previous_anonymous_id,
        case when segment_user_ids.user_id <> coalesce(segment_events.user_id, '')
            then segment_user_ids.user_id end as previous_user_id
    from segment_events
    left join segment_user_ids on segment_user_ids.user_id = segment_events.previous_id
),

zendesk_requesters as {{ inline }} (
    select requester.zendesk_user_id, requester.created_at, requester._loaded_at
    from zendesk_tickets as requester
),

custom_keyed as {{ inline }} (
    select {{ dbt.concat(['source_name', "':'", 'record_id']) }} as custom_record_id, custom_records.*
    from custom_records
),

{#- One row per (record, identifier) by construction: one staged row per record, one column per type. -#}
unique_pairs as {{ inline }} (
    {{ identity_unpivot('segment_typed', "'segment'", 'message_id', 'occurred_at', {
        'anonymous_id': ['anonymous_id', 'previous_anonymous_id'], 'user_id': ['user_id', 'previous_user_id'],
        'email': 'email', 'phone': 'phone', 'device_id': 'device_id'}) }}
    union all
    {{ identity_unpivot('shopify_orders', "'shopify'", 'order_id', 'ordered_at', {
        'shopify_customer_id': 'shopify_customer_id', 'email': 'email', 'phone': 'phone'}) }}
    union all
    {{ identity_unpivot('hubspot_contacts', "'hubspot'", 'crm_id', 'coalesce(created_at, _loaded_at)', {
        'crm_id': 'crm_id', 'email': 'email', 'phone': 'phone'}) }}
    union all
    {{ identity_unpivot('pos_sale_lines', "'pos'", 'sale_line_id', 'occurred_at', {
        'loyalty_id': 'loyalty_id', 'email': 'email', 'phone': 'phone'}) }}
    union all
    {{ identity_unpivot('esp_email_events', "'esp'", 'esp_event_id', 'occurred_at', {'email': 'email'}) }}
    union all
    {{ identity_unpivot('nps_responses', "'nps'", 'nps_response_id', 'responded_at', {'email': 'email'}) }}
    union all
    {{ identity_unpivot('consent_events', "'consent'", 'consent_event_id', 'occurred_at', {
        'email': 'email', 'user_id': 'user_id'}) }}
    union all
    {{ identity_unpivot('custom_keyed', "'custom'", 'custom_record_id', 'coalesce(occurred_at, _loaded_at)', {
        'email': 'email', 'phone': 'phone', 'user_id': 'user_id', 'crm_id': 'crm_id',
        'loyalty_id': 'loyalty_id'}) }}
),

{#- A Zendesk user with several tickets repeats the pair: these few rows are grouped. -#}
zendesk_pairs as {{ inline }} (
    {{ identity_unpivot('zendesk_users', "'zendesk'", 'zendesk_user_id', 'coalesce(created_at, _loaded_at)', {
        'zendesk_user_id': 'zendesk_user_id', 'email': 'email', 'phone': 'phone'}) }}
    union all
    {#- Tickets reach customers through their requester, the zendesk record of the same id. -#}
    {{ identity_unpivot('zendesk_requesters', "'zendesk'", 'zendesk_user_id', 'created_at', {
        'zendesk_user_id': 'zendesk_user_id'}) }}
),

identifier_rows as {{ inline }} (
    select
        source,
        record_id,
        identifier_type,
        identifier_value,
        cast(occurred_at as {{ dbt.type_timestamp() }}) as occurred_at,
        cast(occurred_at as {{ dbt.type_timestamp() }}) as last_occurred_at,
        _loaded_at
    from unique_pairs
    union all
    select
        source,
        record_id,
        identifier_type,
        identifier_value,
        min(cast(occurred_at as {{ dbt.type_timestamp() }})) as occurred_at,
        max(cast(occurred_at as {{ dbt.type_timestamp() }})) as last_occurred_at,
        max(_loaded_at) as _loaded_at
    from zendesk_pairs
    group by source, record_id, identifier_type, identifier_value
),

{%- if is_incremental() %}

batch_identifiers as (
    select distinct identifier_type, identifier_value from identifier_rows
),

{#- An identifier already here keeps its id (rows about to be replaced still count). -#}
known_identifiers as (
    select distinct existing.identifier_type, existing.identifier_value, existing.node_id
    from {{ this }} as existing
    inner join batch_identifiers
        on batch_identifiers.identifier_type = existing.identifier_type
        and batch_identifiers.identifier_value = existing.identifier_value
),

new_identifiers as (
    select batch_identifiers.identifier_type, batch_identifiers.identifier_value
    from batch_identifiers
    left join known_identifiers
        on known_identifiers.identifier_type = batch_identifiers.identifier_type
        and known_identifiers.identifier_value = batch_identifiers.identifier_value
    where known_identifiers.node_id is null
),

numbered_identifiers as (
    select identifier_type, identifier_value, node_id from known_identifiers
    union all
    select
        identifier_type,
        identifier_value,
        (select coalesce(max(node_id), 0) from {{ this }})
            + row_number() over (order by identifier_type, identifier_value) as node_id
    from new_identifiers
),

{%- else %}

numbered_identifiers as (
    select
        identifier_type,
        identifier_value,
        row_number() over (order by identifier_type, identifier_value) as node_id
    from (select distinct identifier_type, identifier_value from identifier_rows) as distinct_identifiers
),

{%- endif %}

final as (
    select
        identifier_rows.source,
        identifier_rows.record_id,
        identifier_rows.identifier_type,
        identifier_rows.identifier_value,
        cast(numbered_identifiers.node_id as {{ dbt.type_bigint() }}) as node_id,
        identifier_rows.occurred_at,
        identifier_rows.last_occurred_at,
        identifier_rows._loaded_at,
        {{ identity_run_at() }} as _identified_at
    from identifier_rows
    inner join numbered_identifiers
        on numbered_identifiers.identifier_type = identifier_rows.identifier_type
        and numbered_identifiers.identifier_value = identifier_rows.identifier_value
)

select * from final
