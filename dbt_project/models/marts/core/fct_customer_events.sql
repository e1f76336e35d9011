{{
    config(
        materialized=tessera.upsert_materialization(),
        unique_key='event_id',
        on_schema_change='append_new_columns',
        post_hook="{{ tessera.delete_rows_without_customer() if is_incremental() }}",
    )
}}

{#-
  The timeline: every event of every source for a customer, in one shape. `event_id` is
  `<source>:<record id>[:<kind>]` and stable across builds.

  Incremental: a record's events can only change when int_record_resolutions re-resolves it (it does so for
  every record staged again and every record an identity change touched, stamping `resolved_at`), so a
  build reads only the records resolved after the newest `_resolved_at` here and replaces their events.
  Orders come from fct_orders, which stamps the orders it redoes (`_built_at`): a build replaces the events
  of the orders stamped after its own last build. The post-hook deletes the events written with no
  customer (a released record, an order that lost its customer), which have replaced the old ones. A full
  refresh gives the same rows (tests/profiles, tests/identity/test_incremental_resolution.py).
-#}

{%- set since = last_build_watermark('_resolved_at') if is_incremental() else none %}

with

{#-
  The resolved records of each source, one CTE per source, each read once: a single CTE joined by every
  source would be materialized whole (30M rows at 1M customers) before any join. Incremental: the records
  resolved since the last build, released ones (NULL customer) included.
-#}
{%- for source_name in ['segment', 'esp', 'zendesk', 'nps', 'consent', 'hubspot', 'custom'] %}
{{ source_name }}_record_customers as (
    {{ tessera.records_resolved_since(source_name, since) }}
),
{% endfor %}

{#- The large event tables are read for those records only (macro staged_rows_of_records). -#}
segment_events as (
    {{ tessera.staged_rows_of_records(
        ref('stg_segment__events'), 'message_id', 'segment_record_customers', since) }}
),

{#- Incremental: the orders fct_orders wrote since this model's last build (it redoes every order staged
    again or re-resolved, and stamps them). -#}
orders as (
    select * from {{ ref('fct_orders') }}
    {%- if is_incremental() %}
    where _built_at > {{ last_build_watermark('_built_at') }}
    {%- endif %}
),

esp_events as (
    {{ tessera.staged_rows_of_records(
        ref('stg_esp__email_events'), 'esp_event_id', 'esp_record_customers', since) }}
),

zendesk_tickets as (
    select * from {{ ref('stg_zendesk__tickets') }}
),

nps_responses as (
    select * from {{ ref('stg_nps__responses') }}
),

consent_events as (
    {{ tessera.staged_rows_of_records(
        ref('stg_consent__events'), 'consent_event_id', 'consent_record_customers', since) }}
),

hubspot_contacts as (
    select * from {{ ref('stg_hubspot__contacts') }}
),

custom_records as (
    select * from {{ ref('stg_custom__records') }}
),

segment_timeline as (
    select
        {{ dbt.concat(["'segment:'", 'segment_events.message_id']) }} as event_id,
        record_customers.customer_id,
        segment_events.occurred_at,
        'segment' as source,
        segment_events.message_id as record_id,
        case segment_events.event_type
            when 'track' then segment_events.event_name
            when 'page' then 'Page Viewed'
            when 'screen' then 'Screen Viewed'
            when 'identify' then 'Identified'
            when 'group' then 'Group Joined'
            when 'alias' then 'Aliased'
            else segment_events.event_type
        end as event_type,
        segment_events.channel,
        cast(segment_events.properties as {{ dbt.type_string() }}) as properties,
        segment_events._loaded_at,
        record_customers.resolved_at as _resolved_at
    from segment_events
    inner join segment_record_customers as record_customers
        on record_customers.record_id = segment_events.message_id
),

order_timeline as (
    select
        {{ dbt.concat(['order_id', "':placed'"]) }} as event_id,
        customer_id,
        ordered_at as occurred_at,
        source,
        source_order_id as record_id,
        case when channel = 'store' then 'Store Purchase' else 'Order Placed' end as event_type,
        channel,
        {{ tessera.json_object_text([
            ('order_id', 'source_order_id'), ('total', 'order_total'), ('currency', 'currency'),
            ('store_id', 'store_id')]) }} as properties,
        _loaded_at,
        cast(null as {{ dbt.type_timestamp() }}) as _resolved_at
    from orders
    {#- Incremental: an order without a customer replaces its old event, if any (the post-hook deletes it). #}
    {{ 'where customer_id is not null' if not is_incremental() }}
    union all
    select
        {{ dbt.concat(['order_id', "':cancelled'"]) }} as event_id,
        {#- Incremental: every redone order replaces its cancellation, with no customer when it has none any
            more (an order reinstated), so the post-hook deletes an old one. #}
        {{ 'case when is_cancelled then customer_id end' if is_incremental() else 'customer_id' }} as customer_id,
        cancelled_at as occurred_at,
        source,
        source_order_id as record_id,
        'Order Cancelled' as event_type,
        channel,
        {{ tessera.json_object_text([
            ('order_id', 'source_order_id'), ('total', 'order_total'), ('currency', 'currency')]) }} as properties,
        _loaded_at,
        cast(null as {{ dbt.type_timestamp() }}) as _resolved_at
    from orders
    {{ 'where is_cancelled and customer_id is not null' if not is_incremental() }}
),

esp_timeline as (
    select
        {{ dbt.concat(["'esp:'", 'esp_events.esp_event_id']) }} as event_id,
        record_customers.customer_id,
        esp_events.occurred_at,
        'esp' as source,
        esp_events.esp_event_id as record_id,
        case esp_events.event_type
            when 'delivered' then 'Email Delivered'
            when 'open' then 'Email Opened'
            when 'click' then 'Email Clicked'
            when 'bounce' then 'Email Bounced'
            when 'dropped' then 'Email Dropped'
            when 'deferred' then 'Email Deferred'
            when 'processed' then 'Email Processed'
            when 'unsubscribe' then 'Email Unsubscribed'
            when 'group_unsubscribe' then 'Email Unsubscribed'
            when 'group_resubscribe' then 'Email Resubscribed'
            when 'spamreport' then 'Email Marked As Spam'
            else {{ dbt.concat(["'Email '", 'esp_events.event_type']) }}
        end as event_type,
        'email' as channel,
        {{ tessera.json_object_text([
            ('esp_event', 'esp_events.event_type'), ('message_id', 'esp_events.esp_message_id'),
            ('category', 'esp_events.category')]) }} as properties,
        esp_events._loaded_at,
        record_customers.resolved_at as _resolved_at
    from esp_events
    inner join esp_record_customers as record_customers
        on record_customers.record_id = esp_events.esp_event_id
),

ticket_timeline as (
    select
        {{ dbt.concat(["'zendesk:ticket:'", 'zendesk_tickets.ticket_id']) }} as event_id,
        record_customers.customer_id,
        zendesk_tickets.created_at as occurred_at,
        'zendesk' as source,
        zendesk_tickets.ticket_id as record_id,
        'Ticket Created' as event_type,
        'support' as channel,
        {{ tessera.json_object_text([
            ('ticket_id', 'zendesk_tickets.ticket_id'), ('status', 'zendesk_tickets.status'),
            ('satisfaction', 'zendesk_tickets.satisfaction_score')]) }} as properties,
        zendesk_tickets._loaded_at,
        record_customers.resolved_at as _resolved_at
    from zendesk_tickets
    inner join zendesk_record_customers as record_customers
        on record_customers.record_id = zendesk_tickets.zendesk_user_id
),

nps_timeline as (
    select
        {{ dbt.concat(["'nps:'", 'nps_responses.nps_response_id']) }} as event_id,
        record_customers.customer_id,
        nps_responses.responded_at as occurred_at,
        'nps' as source,
        nps_responses.nps_response_id as record_id,
        'NPS Response' as event_type,
        'survey' as channel,
        {{ tessera.json_object_text([
            ('score', 'nps_responses.score'), ('comment', 'nps_responses.comment')]) }} as properties,
        nps_responses._loaded_at,
        record_customers.resolved_at as _resolved_at
    from nps_responses
    inner join nps_record_customers as record_customers
        on record_customers.record_id = nps_responses.nps_response_id
),

consent_timeline as (
    select
        {{ dbt.concat(["'consent:'", 'consent_events.consent_event_id']) }} as event_id,
        record_customers.customer_id,
        consent_events.occurred_at,
        'consent' as source,
        consent_events.consent_event_id as record_id,
        case when consent_events.status = 'granted' then 'Consent Granted' else 'Consent Revoked' end
            as event_type,
        cast(null as {{ dbt.type_string() }}) as channel,
        {{ tessera.json_object_text([
            ('purpose', 'consent_events.purpose'), ('status', 'consent_events.status'),
            ('consent_source', 'consent_events.consent_source')]) }} as properties,
        consent_events._loaded_at,
        record_customers.resolved_at as _resolved_at
    from consent_events
    inner join consent_record_customers as record_customers
        on record_customers.record_id = consent_events.consent_event_id
),

crm_timeline as (
    select
        {{ dbt.concat(["'hubspot:'", 'hubspot_contacts.crm_id']) }} as event_id,
        record_customers.customer_id,
        hubspot_contacts.created_at as occurred_at,
        'hubspot' as source,
        hubspot_contacts.crm_id as record_id,
        'CRM Contact Created' as event_type,
        cast(null as {{ dbt.type_string() }}) as channel,
        {{ tessera.json_object_text([('lifecycle_stage', 'hubspot_contacts.lifecycle_stage')]) }} as properties,
        hubspot_contacts._loaded_at,
        record_customers.resolved_at as _resolved_at
    from hubspot_contacts
    inner join hubspot_record_customers as record_customers
        on record_customers.record_id = hubspot_contacts.crm_id
),

custom_timeline as (
    select
        {{ dbt.concat(["'custom:'", 'custom_records.source_name', "':'", 'custom_records.record_id']) }}
            as event_id,
        record_customers.customer_id,
        custom_records.occurred_at,
        'custom' as source,
        {{ dbt.concat(['custom_records.source_name', "':'", 'custom_records.record_id']) }} as record_id,
        {{ dbt.concat(['custom_records.source_name', "' Record'"]) }} as event_type,
        cast(null as {{ dbt.type_string() }}) as channel,
        cast(custom_records.attributes as {{ dbt.type_string() }}) as properties,
        custom_records._loaded_at,
        record_customers.resolved_at as _resolved_at
    from custom_records
    inner join custom_record_customers as record_customers
        on record_customers.record_id
            = {{ dbt.concat(['custom_records.source_name', "':'", 'custom_records.record_id']) }}
),

{#- Events of the records resolved since the last build (all of them in a full build). -#}
record_events as (
    select * from segment_timeline
    union all
    select * from esp_timeline
    union all
    select * from ticket_timeline
    union all
    select * from nps_timeline
    union all
    select * from consent_timeline
    union all
    select * from crm_timeline
    union all
    select * from custom_timeline
),

changed_events as (
    select * from record_events
    union all
    select * from order_timeline
),

final as (
    select
        event_id,
        {#- Incremental: an event without a time any more (its winning copy has none) replaces its old row
            with no customer, which the post-hook deletes; a full build leaves it out. #}
        {{ 'case when occurred_at is not null then customer_id end' if is_incremental() else 'customer_id' }}
            as customer_id,
        occurred_at,
        source,
        record_id,
        event_type,
        channel,
        properties,
        _loaded_at,
        _resolved_at,
        {{ identity_run_at() }} as _built_at
    from changed_events
    {{ 'where occurred_at is not null' if not is_incremental() }}
)

select * from final
