{#- Top RFM customers (the `champions` segment): VIP treatment, early access, CRM priority. -#}

with

customers as (
    select * from {{ ref('customer_traits') }}
),

final as (
    select
        customer_id,
        primary_email,
        first_name,
        last_name,
        rfm_score,
        lifetime_revenue,
        orders_count
    from customers
    where rfm_segment = 'champions'
)

select * from final
