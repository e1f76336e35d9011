{#-
  One row per customer: names from the most recent record that carries one, the customer's most used
  email and phone, when it was first and last seen, and how many identifiers of each type it holds.
  (The golden record with per-attribute sources extends this later.)
-#}

{%- set identifier_types = identity_type_priority().keys() | list -%}

with

customer_identifiers as (
    select * from {{ ref('customer_identifiers') }}
),

record_customers as (
    select * from {{ ref('int_record_customers') }}
),

segment_events as (
    select * from {{ ref('stg_segment__events') }}
),

shopify_orders as (
    select * from {{ ref('stg_shopify__orders') }}
),

hubspot_contacts as (
    select * from {{ ref('stg_hubspot__contacts') }}
),

custom_records as (
    select * from {{ ref('stg_custom__records') }}
),

named_records as (
    select 'segment' as source, cast(message_id as {{ dbt.type_string() }}) as record_id,
        first_name, last_name, occurred_at
    from segment_events
    where first_name is not null or last_name is not null
    union all
    select 'shopify' as source, cast(order_id as {{ dbt.type_string() }}) as record_id,
        first_name, last_name, ordered_at as occurred_at
    from shopify_orders
    where first_name is not null or last_name is not null
    union all
    select 'hubspot' as source, cast(crm_id as {{ dbt.type_string() }}) as record_id,
        first_name, last_name, coalesce(created_at, _loaded_at) as occurred_at
    from hubspot_contacts
    where first_name is not null or last_name is not null
    union all
    select 'custom' as source, {{ dbt.concat(['source_name', "':'", 'record_id']) }} as record_id,
        first_name, last_name, coalesce(occurred_at, _loaded_at) as occurred_at
    from custom_records
    where first_name is not null or last_name is not null
),

customer_names_ranked as (
    select
        record_customers.customer_id,
        named_records.first_name,
        named_records.last_name,
        row_number() over (
            partition by record_customers.customer_id
            order by named_records.occurred_at desc, named_records.source, named_records.record_id
        ) as name_rank
    from named_records
    inner join record_customers
        on record_customers.source = named_records.source
        and record_customers.record_id = named_records.record_id
),

contact_points_ranked as (
    select
        customer_id,
        identifier_type,
        identifier_value,
        row_number() over (
            partition by customer_id, identifier_type
            order by record_count desc, last_seen_at desc, identifier_value
        ) as usage_rank
    from customer_identifiers
    where identifier_type in ('email', 'phone')
),

customer_summary as (
    select
        customer_id,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at,
        count(*) as identifier_count
        {%- for t in identifier_types %},
        sum(case when identifier_type = '{{ t }}' then 1 else 0 end) as {{ t }}_count
        {%- endfor %}
    from customer_identifiers
    group by customer_id
),

final as (
    select
        customer_summary.customer_id,
        customer_names.first_name,
        customer_names.last_name,
        primary_emails.identifier_value as primary_email,
        primary_phones.identifier_value as primary_phone,
        customer_summary.first_seen_at,
        customer_summary.last_seen_at,
        customer_summary.identifier_count
        {%- for t in identifier_types %},
        customer_summary.{{ t }}_count
        {%- endfor %}
    from customer_summary
    left join customer_names_ranked as customer_names
        on customer_names.customer_id = customer_summary.customer_id and customer_names.name_rank = 1
    left join contact_points_ranked as primary_emails
        on primary_emails.customer_id = customer_summary.customer_id
        and primary_emails.identifier_type = 'email' and primary_emails.usage_rank = 1
    left join contact_points_ranked as primary_phones
        on primary_phones.customer_id = customer_summary.customer_id
        and primary_phones.identifier_type = 'phone' and primary_phones.usage_rank = 1
)

select * from final
