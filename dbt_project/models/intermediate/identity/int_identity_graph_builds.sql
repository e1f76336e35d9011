{#-
  One row per completed graph build: the newest `int_identity_nodes._updated_at` it consumed and a digest
  of the graph settings it used. The next build limits the graph to what changed since, when its settings
  are the same (macros/identity/graph_scope.sql). Written after the history and the current assignments,
  so a build that fails before them leaves the watermark where the last complete build put it, and the
  next build redoes its identifiers.
-#}
{{ config(
    materialized=tessera.upsert_materialization(),
    unique_key=['built_at'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
) }}

-- depends_on: {{ ref('int_identity_assignment_history') }}
-- depends_on: {{ ref('int_identity_current_assignments') }}

select
    {{ tessera.build_started_at() }} as built_at,
    max(_updated_at) as nodes_through,
    '{{ identity_graph_settings_signature() }}' as settings_signature
from {{ ref('int_identity_nodes') }}
