{#- For identity_merges: the customer each identifier of the CTE `keys` (column identifier_key) had before
    this run, from `history` (the relation int_identity_assignment_history); identifiers released by then
    are left out. -#}
{% macro customers_before_run(history, keys) -%}
    select identifier_key, customer_id
    from (
        select
            identifier_key,
            customer_id,
            row_number() over (partition by identifier_key order by assigned_at desc) as recency_rank
        from {{ history }}
        where assigned_at < {{ identity_run_at() }}
            and identifier_key in (select identifier_key from {{ keys }})
    ) as ranked
    where recency_rank = 1 and customer_id is not null
{%- endmacro %}
