{#-
  Per-customer marts kept incrementally. A customer's rows derive only from the records that resolve to it,
  and int_record_resolutions re-resolves and stamps (`resolved_at`) every record staged again or touched by
  an identity change, while int_record_departures logs every customer a record left (a merge, a split, a
  released record, a forgotten person). So the customers to redo are those of the records resolved after
  the newest resolution the model has consumed (`_resolved_through`), and those the records left since.
  The log keeps every departure, so identity may build several times between two builds of a mart.
-#}

{#- The customers of the records in `resolutions` (the relation int_record_resolutions) resolved after
    `watermark`, with the customers records left since, from `departures` (int_record_departures). -#}
{% macro touched_customers(resolutions, departures, watermark) -%}
    select customer_id
    from {{ resolutions }}
    where resolved_at > {{ watermark }} and customer_id is not null
    union
    select left_customer_id
    from {{ departures }}
    where departed_at > {{ watermark }}
{%- endmacro %}

{#- A digest of the survivorship settings: when it changes, an incremental build redoes every customer. -#}
{% macro profile_survivorship_signature() -%}
  {{- local_md5(tojson([tessera.profile_survivorship(), tessera.profile_attributes()], sort_keys=true)) -}}
{%- endmacro %}

{#- Whether this is an incremental build whose kept rows were all written under `settings_signature`, so
    only what changed needs redoing (the touched customers of a per-customer model, the re-resolved records
    of a per-record one). A full build, new settings, and the first build after an upgrade from a version
    that rebuilt the table whole (no stamps) redo everything. -#}
{% macro kept_rows_signed(settings_signature) -%}
    {{- return(is_incremental() and kept_table_has_column('_settings_signature')
        and not kept_rows_differ(settings_signature)) -}}
{%- endmacro %}

{#-
  The scope of a per-customer model, as CTEs: `resolved_through` (the newest resolution of
  int_record_resolutions, stamped on every row written) and, in an incremental build, `touched_customers`
  since the model's `last_build_watermark('_resolved_through')` (from int_record_resolutions and
  int_record_departures), with the owners of identifiers that moved when `history` (the relation
  int_identity_assignment_history) is given. Each part reads int_record_resolutions itself: through one CTE
  read twice DuckDB would first copy every record's row.
-#}
{% macro per_customer_scope_ctes(incremental, history=none) -%}
{%- set resolutions = ref('int_record_resolutions') -%}
{%- set departures = ref('int_record_departures') -%}
resolved_through as (
    select max(resolved_at) as resolved_through from {{ resolutions }}
),
{%- if incremental %}
{%- set watermark = last_build_watermark('_resolved_through') %}

touched_customers as (
    {{ tessera.touched_customers(resolutions, departures, watermark) }}
    {%- if history is not none %}
    union
    {{ tessera.identifier_owners_changed(history, watermark) }}
    {%- endif %}
),
{%- endif %}
{%- endmacro %}

{#- The customers an identifier joined or left after `watermark`, from `history` (the relation
    int_identity_assignment_history): for a model that lists a customer's identifiers. Moving identifiers
    re-resolve their records, but a record whose identifiers sit in several customers resolves to one of
    them only, so the others would not be touched. Every earlier owner counts: redoing more is harmless. -#}
{% macro identifier_owners_changed(history, watermark) -%}
    select customer_id
    from {{ history }}
    where customer_id is not null
        and identifier_key in (select identifier_key from {{ history }} where assigned_at > {{ watermark }})
{%- endmacro %}

{#- The customers a build writes, with `is_customer` (false: a redone customer that no longer exists, whose
    placeholder replaces its old rows). Reads the CTEs `existing_customers` (the model's customers, in
    scope) and, in an incremental build, `touched_customers`. -#}
{% macro written_customers(incremental) -%}
    {%- if incremental %}
    select
        touched_customers.customer_id,
        existing_customers.customer_id is not null as is_customer
    from touched_customers
    left join existing_customers on existing_customers.customer_id = touched_customers.customer_id
    {%- else %}
    select customer_id, true as is_customer from existing_customers
    {%- endif %}
{%- endmacro %}

{#- The rows of the customers a build redoes (`customer_column`): all, unless `incremental`. -#}
{% macro in_customer_scope(incremental, customer_column) -%}
    {%- if incremental -%}
    {{ customer_column }} in (select customer_id from touched_customers)
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}
