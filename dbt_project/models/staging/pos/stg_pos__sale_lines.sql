{{ config(
    unique_key='sale_line_id',
    pre_hook="{{ tessera.restage_on_new_settings(tessera.staging_phone_settings_signature(true)) }}",
) }}

{%- set settings_signature = tessera.staging_phone_settings_signature(true) %}
{%- set incremental = tessera.staging_incremental(settings_signature) %}

{#-
    One row per point-of-sale line. Lines carry no id of their own: a line is numbered by its position
    among its transaction's rows in the file it came from, so the same transaction exported again (in a
    re-sent or overlapping file) yields the same `sale_line_id`s and the copy loaded last wins.
-#}

with

source_sales as (
    {{ changed_raw_rows(
        source('pos', 'pos_sales'), clean_text('transaction_id'), 'transaction_id', incremental=incremental
    ) }}
),

numbered as (
    select
        source_sales.*,
        {{ clean_text('transaction_id') }} as clean_transaction_id,
        row_number() over (
            partition by {{ clean_text('transaction_id') }}, _file, _load_id
            order by _row_number
        ) as line_number
    from source_sales
    where {{ clean_text('transaction_id') }} is not null
),

renamed as (
    select
        {{ dbt.concat(['clean_transaction_id', "'-'", dbt.safe_cast('line_number', dbt.type_string())]) }}
            as sale_line_id,
        clean_transaction_id as transaction_id,
        line_number,
        {{ clean_text('store_id') }} as store_id,
        {{ normalise_id('loyalty_id') }} as loyalty_id,
        {{ normalise_email('email') }} as email,
        {{ normalise_pos_phone('phone', 'store_id') }} as phone,
        {{ parse_timestamp_utc('occurred_at') }} as occurred_at,
        {{ clean_text('sku') }} as sku,
        {{ to_integer('quantity') }} as quantity,
        {{ to_decimal('unit_price') }} as unit_price,
        cast({{ to_integer('quantity') }} * {{ to_decimal('unit_price') }} as decimal(18, 2)) as line_amount,
        upper({{ clean_text('currency') }}) as currency,
        _loaded_at,
        _file,
        _row_number
    from numbered
),

ranked as (
    select
        renamed.*,
        row_number() over (
            partition by sale_line_id
            order by _loaded_at desc, _file desc, _row_number desc
        ) as version_rank
    from renamed
),

final as (
    select
        sale_line_id,
        transaction_id,
        line_number,
        store_id,
        loyalty_id,
        email,
        phone,
        occurred_at,
        sku,
        quantity,
        unit_price,
        line_amount,
        currency,
        _loaded_at,
        {{ build_started_at() }} as _staged_at,
        cast('{{ settings_signature }}' as {{ dbt.type_string() }}) as _settings_signature
    from ranked
    where version_rank = 1
        and {{ not_tombstoned({'loyalty_id': 'loyalty_id', 'email': 'email', 'phone': 'phone'}) }}
)

select * from final
