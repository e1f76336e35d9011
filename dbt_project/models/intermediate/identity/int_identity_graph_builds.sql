{#-
  One row per completed graph build: the newest `int_identity_nodes._updated_at` it consumed. The next
  build limits the graph to what changed since (macros/identity/graph_scope.sql). Written after the
  history and the current assignments, so a build that fails before them leaves the watermark where the
  last complete build put it, and the next build redoes its identifiers.
-#}
{{ config(
    materialized=tessera.upsert_materialization(),
    unique_key=['built_at'],
    incremental_strategy='delete+insert',
) }}

-- depends_on: {{ ref('int_identity_assignment_history') }}
-- depends_on: {{ ref('int_identity_current_assignments') }}

select
    {{ tessera.build_started_at() }} as built_at,
    max(_updated_at) as nodes_through
from {{ ref('int_identity_nodes') }}
