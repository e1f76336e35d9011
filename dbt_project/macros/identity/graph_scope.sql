{#-
  The identity graph limited to the components a build touches. A build after a completed graph build
  recomputes the components, the per-type limits, the kept edges and the assignment history only for the
  identifiers in `int_identity_graph_scope` (A) and keeps every other row from the previous build. Why that
  is exact (docs/identity.md, "Scale"): an edge changes only when a record carrying both its
  ends changes, and both ends are then aggregated again; A holds those identifiers, the ones whose
  super-node verdict changed and their neighbours, the ones gone, and every identifier of their previous
  initial components, so no guarded edge leaves A and nothing outside it can change.

  A build recomputes everything when there is no completed graph build to start from
  (`int_identity_graph_builds` empty or missing, or no previous first pass), when the graph settings
  changed since that build (identity_graph_settings_signature), on `--full-refresh`, on Spark (its
  tables are rebuilt whole anyway), and when the var `identity_limit_graph_to_changes` is false.
-#}

{#- The relation `name` in the model's schema as the previous build left it, or none: read without `ref`,
    since the models reading it run before it is rebuilt (a `ref` would be a cycle). -#}
{% macro identity_previous_relation(name) -%}
    {{ return(adapter.get_relation(database=this.database, schema=this.schema, identifier=name)) }}
{%- endmacro %}

{#- The newest `int_identity_nodes._updated_at` the last completed graph build consumed, as a SQL literal;
    none when there is none, or when that build used other graph settings (a lowered per-type limit must
    split components no new record touches). -#}
{% macro identity_graph_watermark() -%}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {%- set builds = tessera.identity_previous_relation('int_identity_graph_builds') -%}
    {%- if builds is none -%}{{ return(none) }}{%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(builds) | map(attribute='name') | map('lower') | list -%}
    {%- if 'settings_signature' not in columns -%}{{ return(none) }}{%- endif -%}
    {%- set value = tessera.query_value(
        'select max(nodes_through) from ' ~ builds
        ~ ' where built_at = (select max(built_at) from ' ~ builds ~ ')'
        ~ " and settings_signature = '" ~ identity_graph_settings_signature() ~ "'") -%}
    {%- if value is none -%}{{ return(none) }}{%- endif -%}
    {{ return("cast('" ~ value ~ "' as " ~ dbt.type_timestamp() ~ ")") }}
{%- endmacro %}

{#- Whether this build limits the graph to `int_identity_graph_scope` (the same answer for every model of
    a build: the watermark is written only after the history). -#}
{% macro identity_graph_scoped() -%}
    {#- A unit test (where `this` is none, or the name of its mock) tests the whole graph. #}
    {{ return(execute and this is not none and this is not string and target.type != 'spark' and not flags.FULL_REFRESH
        and var('identity_limit_graph_to_changes', true)
        and tessera.identity_graph_watermark() is not none
        and tessera.identity_previous_relation('int_identity_components_initial') is not none) }}
{%- endmacro %}

{#- Whether `node_column` is in the scope of this build (a SQL condition). -#}
{% macro in_identity_graph_scope(node_column) -%}
    {{ node_column }} in (select node_id from {{ ref('int_identity_graph_scope') }})
{%- endmacro %}

{#- The previous build's rows of this model outside the scope (a `union all` part, leading keyword
    included), or nothing when the build is not limited (`scoped`, the model's identity_graph_scoped())
    or the model has no previous table. -#}
{% macro identity_rows_outside_scope(scoped, columns, node_column='node_id') -%}
    {%- if scoped and tessera.identity_previous_relation(this.identifier) is not none %}
    union all
    select {{ columns | join(', ') }}
    from {{ this }}
    where not ({{ tessera.in_identity_graph_scope(node_column) }})
    {%- endif %}
{%- endmacro %}
