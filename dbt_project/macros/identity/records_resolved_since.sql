{#-
  For the models kept per record (timeline, candidates, B2B signals): the records of one source with their
  customer (`record_id`, `customer_id`, `resolved_at`), read from int_record_resolutions. `since` none (a
  full build): the records that resolve. Otherwise: those resolved after `since` (the model's own newest
  `_resolved_at`), released ones (NULL customer) included, so their rows are replaced.
  One query per source: a single CTE of every source, joined by each, would be materialized whole.
-#}
{% macro records_resolved_since(source_name, since) -%}
    select record_id, customer_id, resolved_at
    from {{ ref('int_record_resolutions') }}
    where source = '{{ source_name }}'
        and {{ 'customer_id is not null' if since is none else 'resolved_at > ' ~ since }}
{%- endmacro %}
