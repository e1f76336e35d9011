{#- Helpers of the `connected_components` materialization: scratch tables, scalar queries, jumping. -#}

{#- The fixed set of scratch tables, so a run can drop whatever a crashed earlier run left behind. -#}
{% macro cc_scratch_relations(target_relation) -%}
  {%- set names = ['input', 'edges_a', 'edges_b', 'hooks', 'step_a', 'step_b', 'rooted', 'pointers',
                   'resolved'] -%}
  {%- set relations = {} -%}
  {%- for name in names -%}
    {%- do relations.update({name: cc_scratch_relation(target_relation, name)}) -%}
  {%- endfor -%}
  {{ return(relations) }}
{%- endmacro %}

{#-
  Scratch tables are tracked in `live` (relation name -> exists), so a table is dropped only when it
  exists: every statement costs a round trip, and a run issues a hundred of them.
-#}
{% macro cc_build(relation, sql, live) -%}
  {%- if not cc_scratch_create_replaces() -%}
    {% do cc_discard(relation, live) %}
  {%- endif -%}
  {% do run_query(cc_create_scratch_table(relation, sql)) %}
  {% do live.update({relation | string: true}) %}
  {%- set analyze = cc_analyze_scratch_table(relation) | trim -%}
  {%- if analyze -%}
    {% do run_query(analyze) %}
  {%- endif -%}
{%- endmacro %}

{% macro cc_discard(relation, live) -%}
  {%- if live.get(relation | string) -%}
    {% do run_query(cc_drop_scratch_table(relation)) %}
    {% do live.update({relation | string: false}) %}
  {%- endif -%}
{%- endmacro %}

{#- Drop every scratch table; with `live=none`, whether or not this run made it (start-up cleanup). -#}
{% macro cc_discard_all(scratch, live=none) -%}
  {%- for name, relation in scratch.items() -%}
    {%- if live is none -%}
      {% do run_query(cc_drop_scratch_table(relation)) %}
    {%- else -%}
      {% do cc_discard(relation, live) %}
    {%- endif -%}
  {%- endfor -%}
{%- endmacro %}

{#- The first column of the first row of a query, as an int (0 when NULL). Not `query_value`: the
    materialization's macros also run in standalone projects (benchmarks, tests) without the rest. -#}
{% macro cc_scalar(sql) -%}
  {%- set value = run_query(sql).columns[0].values()[0] -%}
  {{ return((value or 0) | int) }}
{%- endmacro %}

{#-
  Make every pointer of the hooking forest in `hooks` reach its root; returns {'relation': a table of
  rooted pointers, 'jumps': number of jumping steps}. Pointers found rooted are appended to `rooted` and
  leave the step tables (`step_a` / `step_b`, alternating), so each step only touches the pointers still
  pending: in an identity graph a few percent after the first step. The depth of a forest over fewer
  than 2^63 nodes halves to 1 in at most 63 steps, so still pending after 64 means a cycle, which
  hooking to a smaller node never produces.
-#}
{% macro cc_rooted_hooks(hooks, step_a, step_b, rooted, live) -%}
  {% do cc_build(rooted, "select node_id, parent_id from " ~ hooks ~ " where 1 = 0", live) %}
  {%- set state = namespace(pending=hooks, step=step_a, spare=step_b, steps=0, done=false) -%}
  {%- for step in range(64) -%}
    {% do cc_build(state.step, cc_jump_step_sql(state.pending, rooted), live) %}
    {% do run_query("insert into " ~ rooted ~ " select node_id, parent_id from " ~ state.step
                    ~ " where is_pending = 0") %}
    {%- set state.steps = step + 1 -%}
    {%- if cc_scalar(cc_count_pending_sql(state.step)) == 0 -%}
      {%- set state.done = true -%}
      {%- break -%}
    {%- endif -%}
    {%- set state.pending = "(select node_id, parent_id from " ~ state.step ~ " where is_pending = 1)" -%}
    {%- set written = state.step -%}
    {%- set state.step = state.spare -%}
    {%- set state.spare = written -%}
  {%- endfor -%}
  {%- if not state.done -%}
    {{ exceptions.raise_compiler_error(
        "connected_components: pointers in " ~ hooks ~ " did not reach their roots after 64 jumps") }}
  {%- endif -%}
  {{ return({'relation': rooted, 'jumps': state.steps}) }}
{%- endmacro %}
