{#-
  Every value a source record offers for a golden-record attribute: one row per (customer, attribute,
  source record); Segment offers its identify calls (see segment_identifies). `observed_at` is when the
  source saw the value (the event, the order, the CRM record's creation), else the load time: never NULL.

  Incremental, like the timeline: a record's values and customer can only change when int_record_resolutions
  re-resolves it (every record staged again, every record an identity change touched), so a build reads
  the records resolved after the newest `_resolved_at` here and replaces their rows (delete+insert). A
  released record writes its rows with no customer, and a record with rows here writes a placeholder with
  none, in case it offers no value any more; the post-hook deletes those. A full refresh gives the same
  rows (tests/profiles, tests/identity).
-#}
{{ config(
    materialized=tessera.upsert_materialization(),
    unique_key=['source', 'record_id'],
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ tessera.delete_rows_without_customer() if is_incremental() }}",
) }}

{%- set sources = [
    {'cte': 'segment_identifies', 'source': 'segment', 'record_id': 'message_id', 'observed_at': 'records.occurred_at',
     'attributes': {'first_name': 'first_name', 'last_name': 'last_name', 'email': 'email', 'phone': 'phone'}},
    {'cte': 'shopify_orders', 'source': 'shopify', 'record_id': 'order_id', 'observed_at': 'coalesce(records.updated_at, records.ordered_at)',
     'attributes': {'first_name': 'first_name', 'last_name': 'last_name', 'email': 'email', 'phone': 'phone',
                    'address_line1': 'address_line1', 'city': 'city', 'postal_code': 'postal_code',
                    'country_code': 'country_code'}},
    {'cte': 'hubspot_contacts', 'source': 'hubspot', 'record_id': 'crm_id', 'observed_at': 'records.created_at',
     'attributes': {'first_name': 'first_name', 'last_name': 'last_name', 'email': 'email', 'phone': 'phone'}},
    {'cte': 'pos_sale_lines', 'source': 'pos', 'record_id': 'sale_line_id', 'observed_at': 'records.occurred_at',
     'attributes': {'email': 'email', 'phone': 'phone'}},
    {'cte': 'esp_events', 'source': 'esp', 'record_id': 'esp_event_id', 'observed_at': 'records.occurred_at',
     'attributes': {'email': 'email'}},
    {'cte': 'zendesk_users', 'source': 'zendesk', 'record_id': 'zendesk_user_id', 'observed_at': 'records.created_at',
     'attributes': {'email': 'email', 'phone': 'phone'}},
    {'cte': 'nps_responses', 'source': 'nps', 'record_id': 'nps_response_id', 'observed_at': 'records.responded_at',
     'attributes': {'email': 'email'}},
    {'cte': 'consent_events', 'source': 'consent', 'record_id': 'consent_event_id', 'observed_at': 'records.occurred_at',
     'attributes': {'email': 'email'}},
    {'cte': 'custom_keyed', 'source': 'custom', 'record_id': 'custom_record_id', 'observed_at': 'records.occurred_at',
     'attributes': {'first_name': 'first_name', 'last_name': 'last_name', 'email': 'email', 'phone': 'phone'}},
] -%}

{#-
  Scheduling only: this model and the timeline are the two heaviest of the marts layer. Run side by side
  at 1M customers they share DuckDB's memory limit and both spill (31 s + 10 s alone, 66-93 s + 53 s
  together), so this one waits for the timeline; lighter models still run next to either.
-#}
-- depends_on: {{ ref('fct_customer_events') }}

with

{#-
  The resolved records of each source that can offer a value, one CTE per source (a shared one would be
  materialized whole). Incremental: those resolved since the last build, released ones (NULL customer)
  included; the large staged tables are read for those records only (macro staged_rows_of_records).
-#}
{%- set since = last_build_watermark('_resolved_at') if is_incremental() else none %}
{%- for s in sources %}
{{ s.source }}_record_customers as (
    {{ tessera.records_resolved_since(s.source, since) }}
),
{% endfor %}

{#-
  Segment contributes identify calls only: the context traits of other calls repeat them on every event,
  which would swamp most_frequent and cost a scan of every event row at scale.
-#}
segment_identifies as (
    select *
    from (
        {{ tessera.staged_rows_of_records(
            ref('stg_segment__events'), 'message_id', 'segment_record_customers', since) }}
    ) as segment_events
    where event_type = 'identify'
),

shopify_orders as (
    select * from {{ ref('stg_shopify__orders') }}
),

hubspot_contacts as (
    select * from {{ ref('stg_hubspot__contacts') }}
),

pos_sale_lines as (
    select * from {{ ref('stg_pos__sale_lines') }}
),

esp_events as (
    {{ tessera.staged_rows_of_records(
        ref('stg_esp__email_events'), 'esp_event_id', 'esp_record_customers', since) }}
),

zendesk_users as (
    select * from {{ ref('stg_zendesk__users') }}
),

nps_responses as (
    select * from {{ ref('stg_nps__responses') }}
),

consent_events as (
    {{ tessera.staged_rows_of_records(
        ref('stg_consent__events'), 'consent_event_id', 'consent_record_customers', since) }}
),

custom_records as (
    select * from {{ ref('stg_custom__records') }}
),

custom_keyed as (
    select
        {{ dbt.concat(['source_name', "':'", 'record_id']) }} as custom_record_id,
        custom_records.*
    from custom_records
),

{#-
  Each source's records are joined to their customers (in an incremental build that keeps only the few
  resolved since) and unpivoted into one row per attribute value, in one scan (`unpivot_slots`).
-#}
{% for s in sources %}
{%- set values = [] %}
{%- for column in s.attributes.values() %}
    {%- do values.append('cast(records.' ~ column ~ ' as ' ~ dbt.type_string() ~ ')') %}
{%- endfor %}
{{ s.source }}_values as (
    select customer_id, attribute, value, source, record_id, observed_at, _resolved_at
    from (
        select
            record_customers.customer_id,
            unpivot_slots.name as attribute,
            {{ tessera.unpivot_value(values) }} as value,
            '{{ s.source }}' as source,
            cast(records.{{ s.record_id }} as {{ dbt.type_string() }}) as record_id,
            cast(coalesce({{ s.observed_at }}, records._loaded_at) as {{ dbt.type_timestamp() }})
                as observed_at,
            record_customers.resolved_at as _resolved_at
        from {{ s.cte }} as records
        inner join {{ s.source }}_record_customers as record_customers
            on record_customers.record_id = cast(records.{{ s.record_id }} as {{ dbt.type_string() }})
        cross join {{ tessera.unpivot_slots(s.attributes.keys() | list) }}
    ) as unpivoted
    where value is not null
),
{% endfor %}

{% if is_incremental() %}
{#- A re-resolved record that no longer offers a value (a copy received earlier won, of another kind) must
    still replace its rows: each one with rows here writes a placeholder (no customer), which replaces them
    and which the post-hook deletes. -#}
placeholders as (
    select
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as {{ dbt.type_string() }}) as attribute,
        cast(null as {{ dbt.type_string() }}) as value,
        resolutions.source,
        resolutions.record_id,
        cast(null as {{ dbt.type_timestamp() }}) as observed_at,
        resolutions.resolved_at as _resolved_at
    from {{ ref('int_record_resolutions') }} as resolutions
    where resolutions.resolved_at > {{ since }}
        and exists (
            select 1 from {{ this }} as kept
            where kept.source = resolutions.source and kept.record_id = resolutions.record_id
        )
),

{% endif %}
final as (
    {%- for s in sources %}
    select * from {{ s.source }}_values
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
    {%- if is_incremental() %}
    union all
    select * from placeholders
    {%- endif %}
)

select * from final
