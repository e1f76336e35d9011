{#-
  Materialization `connected_components`: the connected components of an undirected graph, in SQL.

  Usage:
      {{ config(materialized='connected_components', max_iterations=60) }}
      select node_a, node_b from {{ ref('int_identity_edges_numbered') }}

  Input: the model's SQL returns one row per undirected edge, columns `node_a`, `node_b` (integer node
  ids, cast to BIGINT). A self-edge (a, a) is how a caller includes an isolated node. Duplicate and
  reversed edges are fine. A NULL node id fails the run (the count of such edges is in the error).

  Output: a table with `node_id BIGINT, component_id BIGINT`: exactly one row per node that occurs in an
  edge; `component_id` is the smallest node id of the node's component. An empty input gives an empty table.

  Config:
      keep_rows_outside_graph_scope (bool, default false): when the build limits the identity graph to
      `int_identity_graph_scope` (macros/identity/graph_scope.sql), the input holds only that part's edges
      and the table keeps the previous build's rows of every other node.
      max_iterations (int, default 60): the most contraction rounds allowed. If edges are still left
      after that many rounds the run fails with an error naming the model and the edges left, and the
      previous table is kept. Whatever the graph and id order, 2 * log2(nodes) + 1 rounds suffice (see
      below): 60 covers any graph of up to ~700M nodes; identity graphs take 5-10 rounds.

  Algorithm (hook to the smallest neighbour, pointer-jump, contract; no recursive CTE). Each round:
      1. hook:     every node with a smaller neighbour points at its smallest neighbour; nodes without
                   one (local minima) are the roots of the round. The pointers form a forest.
      2. jump:     parent <- parent's parent until every pointer reaches its root. Pointers found to
                   reach a root are set aside after each step, so later steps only touch the few still
                   pending. Depth halves per step: at most log2(depth) + 1 steps, each checked by a count.
      3. contract: every edge is relabelled to (root, root); edges inside a tree and duplicates are dropped.
                   The round's node -> root pointers are appended to a pointer table.
      4. converged when no edge is left; else the next round runs on the contracted graph.
  At the end the pointers are resolved newest round first: a round's roots are nodes of later rounds, so
  a pointer either reaches a final root or follows its target's already resolved pointer. Pointers only
  go to smaller ids, so every node ends at its component's smallest node.

  Why the number of rounds is logarithmic on any input, whatever the id order: a root whose tree is only
  itself has neighbours that all hooked to nodes smaller than it, so after contraction it has a smaller
  neighbour and is not a root of the next round. Every other root absorbed at least one node. So the
  roots of round t+1 are among the roots of round t that absorbed a node, which number at most half of
  round t's nodes: the node count at least halves every two rounds.

  Every step writes a scratch table `<model>__cc_<name>`, in the model's schema (DuckDB: in the in-memory
  temp catalog); all of them are dropped at the end (and at the start, in case a previous run died). The result is built in `<model>__dbt_tmp`
  and renamed over the old table only after it is complete, like dbt's `table` materialization, so a
  failed run leaves the previous table in place. The number of rounds and jumps is logged:
      connected_components <relation>: converged after <r> rounds (<j> jumping steps, <n> absorbed nodes)
-#}

{% materialization connected_components, default %}
  {%- set max_iterations = config.get('max_iterations', 60) -%}
  {%- if max_iterations is not number or max_iterations < 1 -%}
    {{ exceptions.raise_compiler_error(
        "connected_components model " ~ this ~ ": config max_iterations must be a positive integer, got "
        ~ max_iterations) }}
  {%- endif -%}

  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
  {%- set preexisting_intermediate_relation = load_cached_relation(intermediate_relation) -%}
  {%- set backup_relation_type = 'table' if existing_relation is none else existing_relation.type -%}
  {%- set backup_relation = make_backup_relation(target_relation, backup_relation_type) -%}
  {%- set preexisting_backup_relation = load_cached_relation(backup_relation) -%}
  {%- set scratch = cc_scratch_relations(target_relation) -%}
  {%- set grant_config = config.get('grants') -%}

  {{ drop_relation_if_exists(preexisting_intermediate_relation) }}
  {{ drop_relation_if_exists(preexisting_backup_relation) }}
  {% do cc_discard_all(scratch) %}
  {%- set live = {} -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {% do cc_build(scratch.input, cc_input_sql(sql), live) %}
  {%- set null_edges = cc_scalar(cc_null_edges_sql(scratch.input)) -%}
  {%- if null_edges > 0 -%}
    {% do cc_discard_all(scratch, live) %}
    {{ exceptions.raise_compiler_error(
        "connected_components model " ~ this ~ ": " ~ null_edges
        ~ " input edge(s) have a NULL node_a or node_b; every edge needs two node ids") }}
  {%- endif -%}

  {% do cc_build(scratch.pointers,
      "select node_a as node_id, node_b as parent_id, 0 as round_number from " ~ scratch.input ~ " where 1 = 0",
      live) %}

  {#- Round 1 reads the input table itself; contracted edges then alternate between edges_a and edges_b. -#}
  {%- set state = namespace(
      edges=scratch.input, edge_count=cc_scalar(cc_count_edges_sql(scratch.input)), rounds=0, jumps=0) -%}
  {%- for round in range(max_iterations) -%}
    {%- if state.edge_count == 0 -%}{%- break -%}{%- endif -%}
    {%- set contracted = scratch.edges_b if state.edges == scratch.edges_a else scratch.edges_a -%}
    {% do cc_build(scratch.hooks, cc_hooks_sql(state.edges), live) %}
    {%- set hooks = cc_rooted_hooks(scratch.hooks, scratch.step_a, scratch.step_b, scratch.rooted, live) -%}
    {% do cc_build(contracted, cc_contract_sql(state.edges, hooks.relation), live) %}
    {% do run_query("insert into " ~ scratch.pointers ~ " select node_id, parent_id, " ~ (round + 1)
                    ~ " from " ~ hooks.relation) %}
    {%- if state.edges != scratch.input -%}
      {% do cc_discard(state.edges, live) %}
    {%- endif -%}
    {%- set state.edges = contracted -%}
    {%- set state.rounds = round + 1 -%}
    {%- set state.jumps = state.jumps + hooks.jumps -%}
    {%- set state.edge_count = cc_scalar(cc_count_edges_sql(contracted)) -%}
  {%- endfor -%}

  {%- if state.edge_count > 0 -%}
    {% do cc_discard_all(scratch, live) %}
    {{ exceptions.raise_compiler_error(
        "connected_components model " ~ this ~ " did not converge within max_iterations="
        ~ max_iterations ~ " rounds: " ~ state.edge_count ~ " contracted edges were left. "
        ~ "Raise max_iterations in the model's config.") }}
  {%- endif -%}

  {#- The last round's pointers already reach final roots; earlier rounds follow them, newest first. -#}
  {% do cc_build(scratch.resolved,
      "select node_id, parent_id from " ~ scratch.pointers ~ " where round_number = " ~ state.rounds, live) %}
  {%- for round_number in range(state.rounds - 1, 0, -1) -%}
    {% do run_query("insert into " ~ scratch.resolved ~ " "
                    ~ cc_resolve_round_sql(scratch.pointers, scratch.resolved, round_number)) %}
  {%- endfor -%}
  {%- set node_count = cc_scalar(cc_count_rows_sql(scratch.resolved)) -%}

  {#- A model limited to part of the graph keeps the previous build's rows outside that part. -#}
  {%- set kept_rows = tessera.identity_rows_outside_scope(
      tessera.identity_graph_scoped(), ['node_id', 'component_id'])
      if config.get('keep_rows_outside_graph_scope', false) else '' -%}
  {% call statement('main') -%}
    {{ get_create_table_as_sql(False, intermediate_relation, cc_result_sql(scratch.resolved, scratch.input) ~ kept_rows) }}
  {%- endcall %}

  {% if existing_relation is not none %}
    {% set existing_relation = load_cached_relation(existing_relation) %}
    {% if existing_relation is not none %}
      {{ adapter.rename_relation(existing_relation, backup_relation) }}
    {% endif %}
  {% endif %}
  {{ adapter.rename_relation(intermediate_relation, target_relation) }}

  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {% do apply_grants(target_relation, grant_config,
                     should_revoke=should_revoke(existing_relation, full_refresh_mode=True)) %}
  {% do persist_docs(target_relation, model) %}
  {{ adapter.commit() }}

  {{ drop_relation_if_exists(backup_relation) }}
  {% do cc_discard_all(scratch, live) %}
  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ log("connected_components " ~ target_relation ~ ": converged after " ~ state.rounds ~ " rounds ("
         ~ state.jumps ~ " jumping steps, " ~ node_count ~ " absorbed nodes)", info=True) }}

  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
