{#-
  `materialized='audience'`: an audience is a table of customers (customer_id plus attributes to sync)
  whose membership history is kept on every build.

  1. The model's SQL is built into a staging table; a result without a `customer_id` column fails here
     with the file and the fix.
  2. When `meta.consent_purpose` names a purpose, only customers with `consent_<purpose>` granted in
     `customer_traits` stay (the model must depend on customer_traits or customer_profiles).
  3. Members are split by `meta.holdout_pct` with a hash of (segment, customer): stable across runs.
  4. `segment_memberships` and `segment_sizes` are updated (see audience_record_history).
  5. The audience table becomes the members without the holdout: what syncs send.
-#}

{% macro audience_meta() -%}
  {%- set meta = {} -%}
  {%- do meta.update(model.get('meta', {}) or {}) -%}
  {%- do meta.update(config.get('meta', {}) or {}) -%}
  {{ return(meta) }}
{%- endmacro %}

{% macro audience_fail(message, fix) -%}
  {{ exceptions.raise_compiler_error(
      "audience " ~ model.name ~ " (" ~ model.original_file_path ~ "): " ~ message ~ ". Fix: " ~ fix) }}
{%- endmacro %}

{#- The 1-based line of the model file that first mentions `text`, 1 when none does. -#}
{% macro audience_line_of(text) -%}
  {%- for line in model.raw_code.split('\n') -%}
    {%- if text in line -%}{{ return(loop.index) }}{%- endif -%}
  {%- endfor -%}
  {{ return(1) }}
{%- endmacro %}

{#- Fail when the model depends on a source or on a model outside models/marts/ (staging, intermediate). -#}
{% macro audience_check_dependencies() -%}
  {%- for node_id in model.depends_on.nodes -%}
    {%- set node = graph.nodes.get(node_id) or graph.sources.get(node_id) -%}
    {%- if node is not none -%}
      {%- set is_source = node.resource_type == 'source' -%}
      {%- if is_source or not node.original_file_path.startswith('models/marts/') -%}
        {%- set what = ('raw table ' ~ node.schema ~ '.' ~ node.name ~ ' (source ' ~ node.source_name ~ ')')
            if is_source else (node.original_file_path.split('/')[1] ~ ' model ' ~ node.name) -%}
        {{ exceptions.raise_compiler_error(
            "audience " ~ model.name ~ " (" ~ model.original_file_path ~ ":" ~ tessera.audience_line_of(node.name)
            ~ "): reads " ~ what ~ "; audiences may read only marts. Fix: select from a mart instead, e.g. "
            ~ "ref('customer_traits'), customer_profiles, fct_orders or fct_customer_events") }}
      {%- endif -%}
    {%- endif -%}
  {%- endfor -%}
{%- endmacro %}

{#- The relation of a consent-bearing model this audience depends on (customer_traits, customer_profiles). -#}
{% macro audience_consent_source() -%}
  {%- for node_id in model.depends_on.nodes -%}
    {%- set node = graph.nodes.get(node_id) -%}
    {%- if node and node.name in ('customer_traits', 'customer_profiles') -%}
      {{ return(api.Relation.create(database=node.database, schema=node.schema,
          identifier=node.alias or node.name, type='table')) }}
    {%- endif -%}
  {%- endfor -%}
  {{ return(none) }}
{%- endmacro %}

{% materialization audience, default %}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set result_relation = make_intermediate_relation(target_relation, suffix='__audience_result') -%}
  {%- set members_relation = make_intermediate_relation(target_relation, suffix='__audience_members') -%}
  {%- set final_relation = make_intermediate_relation(target_relation, suffix='__audience_final') -%}
  {%- set backup_relation = make_backup_relation(target_relation, 'table', suffix='__audience_backup') -%}
  {%- set meta = tessera.audience_meta() -%}
  {%- set segment_name = this.identifier -%}

  {%- set holdout_pct = meta.get('holdout_pct') -%}
  {%- if holdout_pct is not none and not (holdout_pct is number and 0 <= holdout_pct < 100) -%}
    {{ tessera.audience_fail("meta.holdout_pct is " ~ holdout_pct,
        "set holdout_pct to a number of percent from 0 up to 100 (e.g. 10) or remove it") }}
  {%- endif -%}
  {%- set consent_purpose = meta.get('consent_purpose') -%}
  {%- if consent_purpose in (none, '', 'none') -%}{%- set consent_purpose = none -%}{%- endif -%}
  {%- if consent_purpose is not none and consent_purpose not in tessera.consent_purposes() -%}
    {{ tessera.audience_fail("meta.consent_purpose '" ~ consent_purpose ~ "' is not a known purpose",
        "use one of " ~ (tessera.consent_purposes() | join(', ')) ~ ", or none for suppression lists") }}
  {%- endif -%}

  {{ tessera.audience_check_dependencies() }}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {%- for relation in [result_relation, members_relation, final_relation, backup_relation] %}
    {{ adapter.drop_relation(relation) }}
  {%- endfor %}

  {% call statement('main') -%}
    {{ get_create_table_as_sql(False, result_relation, sql) }}
  {%- endcall %}

  {%- set column_names = adapter.get_columns_in_relation(result_relation) | map(attribute='name') | map('lower') | list -%}
  {%- if 'customer_id' not in column_names -%}
    {{ adapter.drop_relation(result_relation) }}
    {{ tessera.audience_fail("the query returns no customer_id column (it returns " ~ (column_names | join(', ')) ~ ")",
        "select customer_id (the Tessera customer id from customer_traits, customer_profiles or fct_orders) in the final select") }}
  {%- endif -%}

  {%- set consent_relation = none -%}
  {%- if consent_purpose is not none -%}
    {%- set consent_relation = tessera.audience_consent_source() -%}
    {%- if consent_relation is none -%}
      {{ adapter.drop_relation(result_relation) }}
      {{ tessera.audience_fail("meta.consent_purpose is " ~ consent_purpose ~ " but the model reads neither customer_traits nor customer_profiles",
          "select from ref('customer_traits'), or add the line -- depends_on: {{ ref('customer_traits') }}") }}
    {%- endif -%}
  {%- endif -%}

  {% call statement('audience_members') -%}
    {{ get_create_table_as_sql(False, members_relation, tessera.audience_members_sql(
        segment_name, result_relation, holdout_pct, consent_relation, consent_purpose)) }}
  {%- endcall %}

  {{ tessera.audience_ensure_history_tables() }}
  {{ tessera.audience_record_history(segment_name, members_relation) }}

  {% call statement('audience_final') -%}
    {{ get_create_table_as_sql(False, final_relation,
        "select result.* from " ~ result_relation ~ " as result where exists (select 1 from " ~ members_relation
        ~ " as members where members.customer_id = result.customer_id and not members.is_holdout)") }}
  {%- endcall %}

  {%- if existing_relation is not none %}
    {{ adapter.rename_relation(existing_relation, backup_relation) }}
  {%- endif %}
  {{ adapter.rename_relation(final_relation, target_relation) }}

  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {{ adapter.commit() }}

  {%- for relation in [result_relation, members_relation, backup_relation] %}
    {{ adapter.drop_relation(relation) }}
  {%- endfor %}
  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}

{#- One row per member: distinct customers of the result, consent applied, with the holdout flag. -#}
{% macro audience_members_sql(segment_name, result_relation, holdout_pct, consent_relation, consent_purpose) -%}
    select
        result_customers.customer_id,
        {{ tessera.audience_is_holdout(segment_name, 'result_customers.customer_id', holdout_pct) }} as is_holdout
    from (
        select distinct cast(customer_id as {{ dbt.type_string() }}) as customer_id
        from {{ result_relation }}
        where customer_id is not null
    ) as result_customers
    {%- if consent_relation is not none %}
    where exists (
        select 1 from {{ consent_relation }} as consented
        where consented.customer_id = result_customers.customer_id
            and consented.consent_{{ consent_purpose }}
    )
    {%- endif %}
{%- endmacro %}
