{#-
  The latest row of each identifier in the assignment history `history` (a relation), when that row
  assigns a customer: identifier_key, identifier_type, identifier_value, customer_id, assigned_at. Type and
  value are the same on every row of a key. Elsewhere a row_number() window over the whole history; DuckDB
  takes the rows from one hash aggregate instead (`arg_max_null` keeps the latest row's customer even when
  it is NULL, which then leaves the identifier out): on the 4.56M-row history at 1M customers the history
  model's select took 3.2 s against 3.7 s with the window, the same rows.
-#}
{% macro latest_assignments(history) -%}
    {{ return(adapter.dispatch('latest_assignments', 'tessera')(history)) }}
{%- endmacro %}

{% macro default__latest_assignments(history) -%}
    select identifier_key, identifier_type, identifier_value, customer_id, assigned_at
    from (
        select
            identifier_key,
            identifier_type,
            identifier_value,
            customer_id,
            assigned_at,
            row_number() over (partition by identifier_key order by assigned_at desc) as recency_rank
        from {{ history }}
    ) as history_ranked
    where recency_rank = 1 and customer_id is not null
{%- endmacro %}

{% macro duckdb__latest_assignments(history) -%}
    select identifier_key, identifier_type, identifier_value, customer_id, assigned_at
    from (
        select
            identifier_key,
            any_value(identifier_type) as identifier_type,
            any_value(identifier_value) as identifier_value,
            arg_max_null(customer_id, assigned_at) as customer_id,
            max(assigned_at) as assigned_at
        from {{ history }}
        group by identifier_key
    ) as latest
    where customer_id is not null
{%- endmacro %}
