{#-
  SQL for each step of the `connected_components` materialization (see connected_components.sql).

  Every step is one `create table ... as select` (or a scalar check query) written in portable SQL:
  joins, group by, min, least/greatest, coalesce, not exists. Engines differ only in how a scratch
  table is created, analysed and dropped, so only those steps are dispatched. All tables hold BIGINT
  columns only; edges are kept canonical (node_a < node_b) so a node's smaller neighbours are found
  with a single group-by over one column.
-#}

{#- Where the scratch table `name` of a model lives: next to the model, or in DuckDB's in-memory temp catalog. -#}
{% macro cc_scratch_relation(target_relation, name) -%}
  {{ return(adapter.dispatch('cc_scratch_relation')(target_relation, name)) }}
{%- endmacro %}

{% macro default__cc_scratch_relation(target_relation, name) -%}
  {{ return(make_intermediate_relation(target_relation, '__cc_' ~ name)) }}
{%- endmacro %}

{#-
  DuckDB temp tables are not written to the database file (no WAL, no compression): building them costs
  a fraction of a persistent table's, and they vanish with the connection even if the run dies.
-#}
{% macro duckdb__cc_scratch_relation(target_relation, name) -%}
  {{ return(api.Relation.create(database='temp', schema='main',
                                identifier=target_relation.identifier ~ '__cc_' ~ name, type='table')) }}
{%- endmacro %}

{% macro cc_create_scratch_table(relation, sql) -%}
  {{ return(adapter.dispatch('cc_create_scratch_table')(relation, sql)) }}
{%- endmacro %}

{% macro default__cc_create_scratch_table(relation, sql) -%}
create table {{ relation }} as {{ sql }}
{%- endmacro %}

{% macro duckdb__cc_create_scratch_table(relation, sql) -%}
create or replace temp table {{ relation }} as {{ sql }}
{%- endmacro %}

{#- Whether cc_create_scratch_table replaces an existing table, which saves a drop statement per step. -#}
{% macro cc_scratch_create_replaces() -%}
  {{ return(adapter.dispatch('cc_scratch_create_replaces')()) }}
{%- endmacro %}

{% macro default__cc_scratch_create_replaces() -%}
  {{ return(false) }}
{%- endmacro %}

{% macro duckdb__cc_scratch_create_replaces() -%}
  {{ return(true) }}
{%- endmacro %}

{#- Scratch tables are rebuilt from the model's input on every run, so nothing needs their WAL. -#}
{% macro postgres__cc_create_scratch_table(relation, sql) -%}
create unlogged table {{ relation }} as {{ sql }}
{%- endmacro %}

{#- Statements to run after a scratch table is built; Postgres plans joins on new tables from statistics. -#}
{% macro cc_analyze_scratch_table(relation) -%}
  {{ return(adapter.dispatch('cc_analyze_scratch_table')(relation)) }}
{%- endmacro %}

{% macro default__cc_analyze_scratch_table(relation) -%}
{%- endmacro %}

{% macro postgres__cc_analyze_scratch_table(relation) -%}
analyze {{ relation }}
{%- endmacro %}

{% macro cc_drop_scratch_table(relation) -%}
  {{ return(adapter.dispatch('cc_drop_scratch_table')(relation)) }}
{%- endmacro %}

{% macro default__cc_drop_scratch_table(relation) -%}
drop table if exists {{ relation }}
{%- endmacro %}


{#-
  The model's edges, typed and oriented so that node_a <= node_b. Self-edges and edges with a NULL end are
  kept: self-edges name isolated nodes, NULLs are reported. A comparison with NULL is not true, so a NULL
  end always lands in one of the two columns and no engine's least() can hide it. Duplicates are kept too:
  every step below takes a min or groups, and round 1's contraction drops them, so deduplicating here
  would only sort the whole input once more (at 1M customers, 10.4M edges: a quarter of the run).
  This table is also round 1's edge table: the steps below only read rows with node_a < node_b.
-#}
{% macro cc_input_sql(model_sql) -%}
select
    case when node_a < node_b then node_a else node_b end as node_a,
    case when node_a < node_b then node_b else node_a end as node_b
from (
    select
        cast(node_a as {{ dbt.type_bigint() }}) as node_a,
        cast(node_b as {{ dbt.type_bigint() }}) as node_b
    from (
{{ model_sql }}
    ) as model_edges
) as typed_edges
{%- endmacro %}

{% macro cc_null_edges_sql(input) -%}
select count(*) as n from {{ input }} where node_a is null or node_b is null
{%- endmacro %}

{% macro cc_count_edges_sql(edges) -%}
select count(*) as n from {{ edges }} where node_a < node_b
{%- endmacro %}

{#-
  Hooking: every node with a smaller neighbour points at its smallest neighbour. Because edges are
  canonical, those are exactly the node_b values; nodes that only occur as node_a are local minima
  (the roots of this round) and get no row.
-#}
{% macro cc_hooks_sql(edges) -%}
select node_b as node_id, min(node_a) as parent_id
from {{ edges }}
where node_a < node_b
group by node_b
{%- endmacro %}

{#-
  One pointer-jumping step over the pointers not yet known to reach a root (`pending`, a relation or a
  parenthesised query), given those that do (`rooted`; the two hold different nodes). A pointer whose
  target is rooted takes the target's root; one whose target is pending takes the target's parent and
  stays pending; one whose target has no pointer already points at a root. Depth halves every step.
-#}
{% macro cc_jump_step_sql(pending, rooted) -%}
select
    child.node_id,
    coalesce(rooted_target.parent_id, pending_target.parent_id, child.parent_id) as parent_id,
    case when pending_target.node_id is null then 0 else 1 end as is_pending
from {{ pending }} as child
left join {{ rooted }} as rooted_target on rooted_target.node_id = child.parent_id
left join {{ pending }} as pending_target on pending_target.node_id = child.parent_id
{%- endmacro %}

{% macro cc_count_pending_sql(step) -%}
select count(*) as n from {{ step }} where is_pending = 1
{%- endmacro %}

{#-
  Contraction: replace both ends of every edge by their root, drop edges inside a tree and
  duplicates. node_b always has a pointer (it has the smaller neighbour node_a), node_a may be a root.
-#}
{% macro cc_contract_sql(edges, pointers) -%}
select least(root_a, root_b) as node_a, greatest(root_a, root_b) as node_b
from (
    select coalesce(pointer_a.parent_id, e.node_a) as root_a, pointer_b.parent_id as root_b
    from {{ edges }} as e
    left join {{ pointers }} as pointer_a on pointer_a.node_id = e.node_a
    inner join {{ pointers }} as pointer_b on pointer_b.node_id = e.node_b
    where e.node_a < e.node_b
) as relabelled
where root_a <> root_b
group by least(root_a, root_b), greatest(root_a, root_b)
{%- endmacro %}

{% macro cc_count_rows_sql(relation) -%}
select count(*) as n from {{ relation }}
{%- endmacro %}

{#-
  Resolving the pointers of one round: its roots are nodes of later rounds, so a pointer whose target was
  absorbed later follows that node's already resolved pointer; otherwise its target is a final root.
  Run for the last round first, each round appends its resolved pointers to `resolved`.
-#}
{% macro cc_resolve_round_sql(pointers, resolved, round_number) -%}
select p.node_id, coalesce(r.parent_id, p.parent_id) as parent_id
from {{ pointers }} as p
left join {{ resolved }} as r on r.node_id = p.parent_id
where p.round_number = {{ round_number }}
{%- endmacro %}

{#-
  Result: every node that was absorbed points (after resolving) at its component's smallest node;
  those smallest nodes map to themselves; nodes that only ever had a self-edge are their own component.
-#}
{% macro cc_result_sql(resolved, input) -%}
select node_id, parent_id as component_id
from {{ resolved }}
union all
select parent_id as node_id, parent_id as component_id
from {{ resolved }}
group by parent_id
union all
select self_edges.node_a as node_id, self_edges.node_a as component_id
from (
    select node_a from {{ input }} where node_a = node_b group by node_a
) as self_edges
where not exists (select 1 from {{ resolved }} as r where r.node_id = self_edges.node_a)
  and not exists (select 1 from {{ resolved }} as r where r.parent_id = self_edges.node_a)
{%- endmacro %}
