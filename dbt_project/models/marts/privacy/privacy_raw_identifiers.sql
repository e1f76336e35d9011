{#-
  Every identifier carried by every raw row, normalised as staging normalises it: one row per (raw row,
  identifier). Raw rows are keyed by (`raw_table`, `_file`, `_load_id`, `_row_number`). A view, so it
  always reflects the raw tables as they are: `cdp privacy forget` finds the rows to delete through it,
  and `cdp privacy export` the records a person has in every source. Unlike staging it reads every copy
  of a row (retries, re-sent files, older versions) and both of Shopify's email and phone fields.
-#}
{{ config(materialized='view') }}

{%- set segment_email = "coalesce(" ~ normalise_email(json_extract_text('traits', ['email'])) ~ ", "
    ~ normalise_email(json_extract_text('context', ['traits', 'email'])) ~ ")" -%}
{%- set segment_phone = "coalesce(" ~ normalise_phone(json_extract_text('traits', ['phone'])) ~ ", "
    ~ normalise_phone(json_extract_text('context', ['traits', 'phone'])) ~ ")" -%}
{%- set unpivots = {
    'segment_events': [
        ('user_id', clean_text('user_id')),
        ('anonymous_id', clean_text('anonymous_id')),
        ('user_id', clean_text('previous_id')),
        ('anonymous_id', clean_text('previous_id')),
        ('device_id', clean_text('device_id')),
        ('email', segment_email),
        ('phone', segment_phone),
    ],
    'shopify_orders': [
        ('shopify_customer_id', normalise_id('customer_id')),
        ('email', normalise_email('email')),
        ('email', normalise_email('customer_email')),
        ('phone', normalise_phone('phone')),
        ('phone', normalise_phone('customer_phone')),
    ],
    'hubspot_contacts': [
        ('crm_id', normalise_id('record_id')),
        ('email', normalise_email('email')),
        ('phone', normalise_phone_in_country('phone_number', 'country')),
    ],
    'pos_sales': [
        ('loyalty_id', normalise_id('loyalty_id')),
        ('email', normalise_email('email')),
        ('phone', normalise_pos_phone('phone', 'store_id')),
    ],
    'esp_events': [('email', normalise_email('email'))],
    'zendesk_tickets': [('zendesk_user_id', normalise_id('requester_id'))],
    'zendesk_users': [
        ('zendesk_user_id', normalise_id('id')),
        ('email', normalise_email('email')),
        ('phone', normalise_phone('phone')),
    ],
    'nps_responses': [('email', normalise_email('email'))],
    'consent_events': [('email', normalise_email('email')), ('user_id', clean_text('user_id'))],
    'custom_records': [
        ('email', normalise_email('email')),
        ('phone', normalise_phone('phone')),
        ('user_id', clean_text('user_id')),
        ('crm_id', normalise_id('crm_id')),
        ('loyalty_id', normalise_id('loyalty_id')),
    ],
} -%}
{%- set sources = {
    'segment_events': 'segment', 'shopify_orders': 'shopify', 'hubspot_contacts': 'hubspot',
    'pos_sales': 'pos', 'esp_events': 'esp', 'zendesk_tickets': 'zendesk', 'zendesk_users': 'zendesk',
    'nps_responses': 'nps', 'consent_events': 'consent', 'custom_records': 'custom',
} -%}

with

{% for raw_table in unpivots %}
{{ raw_table }} as (
    select * from {{ source(sources[raw_table], raw_table) }}
),
{% endfor %}

unpivoted as (
    {%- for raw_table, identifiers in unpivots.items() %}
    {%- set outer_loop = loop %}
    {%- for identifier_type, expression in identifiers %}
    select
        '{{ raw_table }}' as raw_table,
        _file,
        _load_id,
        _row_number,
        '{{ identifier_type }}' as identifier_type,
        {{ expression }} as identifier_value
    from {{ raw_table }}
    {{ 'union all' if not (outer_loop.last and loop.last) }}
    {%- endfor %}
    {%- endfor %}
),

final as (
    select distinct raw_table, _file, _load_id, _row_number, identifier_type, identifier_value
    from unpivoted
    where identifier_value is not null
)

select * from final
