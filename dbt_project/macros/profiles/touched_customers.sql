{#-
  Per-customer marts kept incrementally. A customer's rows derive only from the records that resolve to it,
  and int_record_resolutions re-resolves and stamps (`resolved_at`) every record staged again or touched by
  an identity change, keeping the customer it left (`previous_customer_id`: a merge, a split, a released
  record, a forgotten person). So the customers to redo are those of the records resolved after the
  newest resolution the model has consumed (`_resolved_through`), now and before.

  A build that skips such a model while identity runs twice loses the middle customer of a record that
  moved twice; `cdp build` and `dbt build` run every model, and a full refresh recovers.
-#}

{#- The customers of the records in `resolutions` (a CTE over int_record_resolutions) resolved after
    `watermark`, with the customers those records left. -#}
{% macro touched_customers(resolutions, watermark) -%}
    select customer_id
    from {{ resolutions }}
    where resolved_at > {{ watermark }} and customer_id is not null
    union
    select previous_customer_id
    from {{ resolutions }}
    where resolved_at > {{ watermark }} and previous_customer_id is not null
{%- endmacro %}

{#- Post-hook: delete the rows without a settings signature: placeholders of redone customers left with no
    rows (they have replaced the old rows by the model's delete+insert on `customer_id`), and rows kept
    from a version of the model without stamps that the first build after the upgrade did not rewrite. -#}
{% macro delete_unsigned_rows() -%}
    delete from {{ this }} where _settings_signature is null
{%- endmacro %}

{#- A digest of the survivorship settings: when it changes, an incremental build redoes every customer. -#}
{% macro profile_survivorship_signature() -%}
  {{- local_md5(tojson([tessera.profile_survivorship(), tessera.profile_attributes()], sort_keys=true)) -}}
{%- endmacro %}
