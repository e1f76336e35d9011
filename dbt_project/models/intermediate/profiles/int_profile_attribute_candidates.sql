{#-
  Every value a source record offers for a golden-record attribute: one row per (customer, attribute,
  source record); Segment offers its identify calls (see segment_identifies). `observed_at` is when the
  source saw the value (the event, the order, the CRM record's creation), else the load time: never NULL.
-#}

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

segment_events as (
    select * from {{ ref('stg_segment__events') }}
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
    select * from {{ ref('stg_esp__email_events') }}
),

zendesk_users as (
    select * from {{ ref('stg_zendesk__users') }}
),

nps_responses as (
    select * from {{ ref('stg_nps__responses') }}
),

consent_events as (
    select * from {{ ref('stg_consent__events') }}
),

custom_records as (
    select * from {{ ref('stg_custom__records') }}
),



{#-
  Segment contributes identify calls only: the context traits of other calls repeat them on every event,
  which would swamp most_frequent and cost a scan of every event row at scale.
-#}
segment_identifies as (
    select * from segment_events where event_type = 'identify'
),

{#-
  The customer map of the records that can offer a value (every event's would be most of the map). Kept
  small on purpose: the join below must fit the engine's memory at 20M events.
-#}
record_customers as (
    select source, record_id, customer_id from {{ ref('int_record_customers') }}
    where source <> 'segment'
    union all
    select source, record_id, customer_id from {{ ref('int_record_customers') }}
    where source = 'segment' and record_id in (select message_id from segment_identifies)
),

custom_keyed as (
    select
        {{ dbt.concat(['source_name', "':'", 'record_id']) }} as custom_record_id,
        custom_records.*
    from custom_records
),

{#-
  Values are unpivoted per source first and joined to their customers once, at the end: one join of every
  candidate row instead of one per (source, attribute), and the customer map is read once.
-#}
{% for s in sources %}
{{ s.source }}_values as (
    {%- for attribute, column in s.attributes.items() %}
    select
        '{{ attribute }}' as attribute,
        cast(records.{{ column }} as {{ dbt.type_string() }}) as value,
        '{{ s.source }}' as source,
        cast(records.{{ s.record_id }} as {{ dbt.type_string() }}) as record_id,
        cast(coalesce({{ s.observed_at }}, records._loaded_at) as {{ dbt.type_timestamp() }})
            as observed_at
    from {{ s.cte }} as records
    where records.{{ column }} is not null
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),
{% endfor %}

all_values as (
    {%- for s in sources %}
    select * from {{ s.source }}_values
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

final as (
    select
        record_customers.customer_id,
        all_values.attribute,
        all_values.value,
        all_values.source,
        all_values.record_id,
        all_values.observed_at
    from all_values
    inner join record_customers
        on record_customers.source = all_values.source
        and record_customers.record_id = all_values.record_id
)

select * from final
