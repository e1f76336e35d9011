{{ config(
    unique_key='order_id',
    pre_hook="{{ tessera.restage_on_new_settings(tessera.staging_phone_settings_signature()) }}",
) }}

{%- set settings_signature = tessera.staging_phone_settings_signature() %}
{%- set incremental = tessera.staging_incremental(settings_signature) %}

{#-
    One row per Shopify order. Every export repeats an order in its then-current state: the version with
    the latest `updated_at` wins, then the one loaded last. Email and phone are the order's, else the
    customer's.
-#}

with

source_orders as (
    {{ changed_raw_rows(
        source('shopify', 'shopify_orders'), normalise_id('id'), 'id', incremental=incremental
    ) }}
),

renamed as (
    select
        {{ normalise_id('id') }} as order_id,
        {{ normalise_id('customer_id') }} as shopify_customer_id,
        coalesce({{ normalise_email('email') }}, {{ normalise_email('customer_email') }}) as email,
        {#- A national number means what it means in the billing country. #}
        coalesce(
            {{ normalise_phone_in_country('phone', json_extract_text('billing_address', ['country_code'])) }},
            {{ normalise_phone_in_country('customer_phone', json_extract_text('billing_address', ['country_code'])) }}
        ) as phone,
        coalesce(
            {{ clean_text('customer_first_name') }},
            {{ clean_text(json_extract_text('billing_address', ['first_name'])) }}
        ) as first_name,
        coalesce(
            {{ clean_text('customer_last_name') }},
            {{ clean_text(json_extract_text('billing_address', ['last_name'])) }}
        ) as last_name,
        {{ parse_timestamp_utc('created_at') }} as ordered_at,
        {{ parse_timestamp_utc('updated_at') }} as updated_at,
        {{ parse_timestamp_utc('cancelled_at') }} as cancelled_at,
        {{ clean_text('cancelled_at') }} is not null as is_cancelled,
        upper({{ clean_text('currency') }}) as currency,
        {{ to_decimal('total_price') }} as total_price,
        lower({{ clean_text('financial_status') }}) as financial_status,
        {{ clean_text(json_extract_text('billing_address', ['address1'])) }} as address_line1,
        {{ clean_text(json_extract_text('billing_address', ['city'])) }} as city,
        {{ clean_text(json_extract_text('billing_address', ['zip'])) }} as postal_code,
        upper({{ clean_text(json_extract_text('billing_address', ['country_code'])) }}) as country_code,
        line_items,
        _loaded_at,
        _file,
        _row_number
    from source_orders
),

ranked as (
    select
        renamed.*,
        row_number() over (
            partition by order_id
            order by
                coalesce(updated_at, ordered_at) desc,
                _loaded_at desc,
                _file desc,
                _row_number desc
        ) as version_rank
    from renamed
    where order_id is not null
),

final as (
    select
        order_id,
        shopify_customer_id,
        email,
        phone,
        first_name,
        last_name,
        ordered_at,
        updated_at,
        cancelled_at,
        is_cancelled,
        currency,
        total_price,
        financial_status,
        address_line1,
        city,
        postal_code,
        country_code,
        line_items,
        _loaded_at,
        {{ build_started_at() }} as _staged_at,
        cast('{{ settings_signature }}' as {{ dbt.type_string() }}) as _settings_signature
    from ranked
    where version_rank = 1
        and {{ not_tombstoned({'shopify_customer_id': 'shopify_customer_id', 'email': 'email', 'phone': 'phone'}) }}
)

select * from final
