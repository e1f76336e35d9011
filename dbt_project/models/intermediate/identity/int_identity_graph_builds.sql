{#-
  One row per completed graph build: the newest `int_identity_nodes._updated_at` it consumed and a digest
  of the graph settings it used. The next build limits the graph to what changed since, when its settings
  are the same (macros/identity/graph_scope.sql). Written after the history and the current assignments,
  so a build that fails before them leaves the watermark where the last complete build put it, and the
  next build redoes its identifiers; so does a build that selects only part of the graph.
-#}
{{ config(
    materialized=tessera.upsert_materialization(),
    unique_key=['built_at'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
) }}

-- depends_on: {{ ref('int_identity_assignment_history') }}
-- depends_on: {{ ref('int_identity_current_assignments') }}

{#- A build that leaves part of the graph out (`--select config.materialized:incremental`, say) records no
    build: the next complete one must redo what this one aggregated. -#}
{%- set graph_models = [
    'int_identity_nodes', 'int_identity_edges', 'int_identity_aliases', 'int_identity_super_nodes',
    'int_identity_graph_scope', 'int_identity_edges_guarded', 'int_identity_components_initial',
    'int_identity_limit_assignments', 'int_identity_edges_resolved', 'int_identity_components',
    'int_identity_assignment_history', 'int_identity_current_assignments'] %}
{%- set left_out = [] %}
{%- for name in graph_models if execute and ('model.' ~ project_name ~ '.' ~ name) not in selected_resources %}
{%- do left_out.append(name) %}
{%- endfor %}
{%- if left_out %}
{%- do log('int_identity_graph_builds: no graph build recorded, the selection leaves out '
    ~ left_out | join(', '), info=false) %}
{%- endif %}

select built_at, nodes_through, settings_signature
from (
    select
        {{ tessera.build_started_at() }} as built_at,
        max(_updated_at) as nodes_through,
        '{{ identity_graph_settings_signature() }}' as settings_signature
    from {{ ref('int_identity_nodes') }}
) as this_build
{%- if left_out %}
where 1 = 0
{%- endif %}
