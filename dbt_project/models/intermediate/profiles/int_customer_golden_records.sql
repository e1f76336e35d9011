{#-
  The golden record: one row per customer with every surviving attribute, the source and time each came
  from, and all of the customer's emails and phones (from `customer_identifiers`, sorted).
  `email` and `phone` are published as `primary_email` and `primary_phone`.

  Incremental per customer, like int_profile_attributes_survived (macros/profiles/touched_customers.sql): a
  build redoes the customers whose records were resolved since the newest resolution it consumed
  (`_resolved_through`), now and before, and the customers an identifier joined or left since (their email
  and phone lists), and replaces their rows (delete+insert on customer_id); every customer when the
  survivorship settings changed (`_settings_signature`). A redone customer that no longer exists writes a
  placeholder with no signature, which the post-hook deletes with any row of other settings. A full refresh
  gives the same rows (tests/profiles/test_incremental_survivorship.py).
-#}
{{ config(
    materialized=tessera.upsert_materialization(),
    unique_key=['customer_id'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    post_hook="{{ tessera.delete_rows_not_signed(profile_survivorship_signature()) if is_incremental() }}",
) }}

-- depends_on: {{ ref('int_identity_assignment_history') }}

{%- set published = {'email': 'primary_email', 'phone': 'primary_phone'} -%}
{%- set settings_signature = profile_survivorship_signature() %}
{%- set incremental = tessera.kept_rows_signed(settings_signature) %}

with

{{ tessera.per_customer_scope_ctes(incremental, history=ref('int_identity_assignment_history')) }}

survived as (
    select * from {{ ref('int_profile_attributes_survived') }}
    where {{ tessera.in_customer_scope(incremental, 'customer_id') }}
),

customer_identifiers as (
    select * from {{ ref('customer_identifiers') }}
    where {{ tessera.in_customer_scope(incremental, 'customer_id') }}
),

existing_customers as (
    select distinct customer_id from customer_identifiers
),

{#- In an incremental build every redone customer gets a row: one that no longer exists is a placeholder (no
    signature) that replaces its old row. -#}
customers as (
    {{ tessera.written_customers(incremental) }}
),

contact_lists as (
    select
        customer_id,
        {{ tessera.sorted_list("case when identifier_type = 'email' then identifier_value end") }} as all_emails,
        {{ tessera.sorted_list("case when identifier_type = 'phone' then identifier_value end") }} as all_phones
    from customer_identifiers
    where identifier_type in ('email', 'phone')
    group by customer_id
),

pivoted as (
    select
        customer_id
        {%- for attribute in tessera.profile_attributes() %}
        {%- set column = published.get(attribute, attribute) %},
        max(case when attribute = '{{ attribute }}' then value end) as {{ column }},
        max(case when attribute = '{{ attribute }}' then source end) as {{ column }}_source,
        max(case when attribute = '{{ attribute }}' then updated_at end) as {{ column }}_updated_at
        {%- endfor %}
    from survived
    group by customer_id
),

final as (
    select
        customers.customer_id,
        pivoted.first_name,
        pivoted.first_name_source,
        pivoted.first_name_updated_at,
        pivoted.last_name,
        pivoted.last_name_source,
        pivoted.last_name_updated_at,
        nullif(trim({{ dbt.concat(["coalesce(pivoted.first_name, '')", "' '", "coalesce(pivoted.last_name, '')"]) }}), '')
            as full_name,
        pivoted.primary_email,
        pivoted.primary_email_source,
        pivoted.primary_email_updated_at,
        pivoted.primary_phone,
        pivoted.primary_phone_source,
        pivoted.primary_phone_updated_at,
        pivoted.address_line1,
        pivoted.address_line1_source,
        pivoted.address_line1_updated_at,
        pivoted.city,
        pivoted.city_source,
        pivoted.city_updated_at,
        pivoted.postal_code,
        pivoted.postal_code_source,
        pivoted.postal_code_updated_at,
        pivoted.country_code,
        pivoted.country_code_source,
        pivoted.country_code_updated_at,
        contact_lists.all_emails,
        contact_lists.all_phones,
        resolved_through.resolved_through as _resolved_through,
        case when customers.is_customer then '{{ settings_signature }}' end as _settings_signature
    from customers
    cross join resolved_through
    left join pivoted on pivoted.customer_id = customers.customer_id
    left join contact_lists on contact_lists.customer_id = customers.customer_id
)

select * from final
