{#-
  Stable customer ids: an append-only history of which customer each identifier belongs to. A run appends
  a row only for identifiers whose customer changed (or that appeared, or that left every customer:
  customer_id NULL), stamped with the run's time, so the latest row per identifier is its current customer
  and re-running on the same data appends nothing.

  Rules (docs/identity.md):
  - each previous customer id goes to the new component holding most of its identifiers (a split: the
    other parts get new ids); ties go to the part holding the identifiers the id has held the longest;
  - a component offered several previous ids keeps the oldest (first assigned), the others are merged
    into it; ties: the id that held the strongest identifier, then the one holding more identifiers;
  - a component offered none gets a new id: `cus_` + hash of its smallest identifier key on the first run
    (deterministic), salted with the run time afterwards so an id is never reused.
-#}
{#- The history is state, not derived data: `--full-refresh` (which rebuilds staging) must not reset ids. -#}
{{ config(
    materialized='incremental',
    unique_key=['identifier_key', 'assigned_at'],
    on_schema_change='fail',
    full_refresh=false,
) }}

-- depends_on: {{ ref('int_identity_graph_scope') }}

{#- A build limited to the touched components (macros/identity/graph_scope.sql) compares only their
    identifiers, and those gone from the graph: every identifier of a previous customer that touches them
    is among them, so the rules below see whole customers. -#}
{%- set scoped = is_incremental() and tessera.identity_graph_scoped() %}

with

{% if is_incremental() %}
{%- if scoped %}

scope_keys as (
    select identifier_key from {{ ref('int_identity_nodes') }}
    where {{ tessera.in_identity_graph_scope('node_id') }}
    union
    select history.identifier_key
    from {{ this }} as history
    left join {{ ref('int_identity_nodes') }} as nodes on nodes.identifier_key = history.identifier_key
    where nodes.identifier_key is null
),
{%- endif %}

{#- The history is read by each part itself: a CTE read twice is copied whole by DuckDB. -#}
history_ranked as (
    select
        identifier_key,
        identifier_type,
        identifier_value,
        customer_id,
        assigned_at,
        row_number() over (partition by identifier_key order by assigned_at desc) as recency_rank
    from {{ this }}
    {%- if scoped %}
    where identifier_key in (select identifier_key from scope_keys)
    {%- endif %}
),

previous_assignments as (
    select identifier_key, identifier_type, identifier_value, customer_id, assigned_at
    from history_ranked
    where recency_rank = 1 and customer_id is not null
),

customer_ages as (
    select customer_id, min(assigned_at) as created_at
    from {{ this }}
    where customer_id is not null
    {%- if scoped %}
        and customer_id in (select customer_id from previous_assignments)
    {%- endif %}
    group by customer_id
),

{% else %}

previous_assignments as (
    select
        cast(null as {{ dbt.type_string() }}) as identifier_key,
        cast(null as {{ dbt.type_string() }}) as identifier_type,
        cast(null as {{ dbt.type_string() }}) as identifier_value,
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as {{ dbt.type_timestamp() }}) as assigned_at
    where 1 = 0
),

customer_ages as (
    select
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as {{ dbt.type_timestamp() }}) as created_at
    where 1 = 0
),

{% endif %}

members as (
    select
        components.component_id,
        nodes.identifier_key,
        nodes.identifier_type,
        nodes.identifier_value,
        nodes.type_priority
    from {{ ref('int_identity_components') }} as components
    inner join {{ ref('int_identity_nodes') }} as nodes on nodes.node_id = components.node_id
    {%- if scoped %}
    where {{ tessera.in_identity_graph_scope('components.node_id') }}
    {%- endif %}
),

{#- Every identifier in a component now or assigned before, with its previous customer: one join on the
    identifier key serves the overlaps, the changed and the released identifiers alike. -#}
identifiers as (
    select
        coalesce(members.identifier_key, previous_assignments.identifier_key) as identifier_key,
        coalesce(members.identifier_type, previous_assignments.identifier_type) as identifier_type,
        coalesce(members.identifier_value, previous_assignments.identifier_value) as identifier_value,
        members.component_id,
        members.type_priority,
        previous_assignments.customer_id as previous_customer_id,
        previous_assignments.assigned_at as previous_assigned_at
    from members
    full outer join previous_assignments
        on previous_assignments.identifier_key = members.identifier_key
),

previous_id_overlaps as (
    select
        component_id,
        previous_customer_id as customer_id,
        count(*) as shared_identifiers,
        min(type_priority) as strongest_priority,
        min(previous_assigned_at) as longest_held_since
    from identifiers
    where component_id is not null and previous_customer_id is not null
    group by component_id, previous_customer_id
),

previous_id_homes as (
    select
        component_id,
        customer_id,
        shared_identifiers,
        strongest_priority,
        row_number() over (
            partition by customer_id order by shared_identifiers desc, longest_held_since, component_id
        ) as home_rank
    from previous_id_overlaps
),

surviving_ids as (
    select
        previous_id_homes.component_id,
        previous_id_homes.customer_id,
        row_number() over (
            partition by previous_id_homes.component_id
            order by customer_ages.created_at, previous_id_homes.strongest_priority,
                previous_id_homes.shared_identifiers desc, previous_id_homes.customer_id
        ) as survival_rank
    from previous_id_homes
    left join customer_ages on customer_ages.customer_id = previous_id_homes.customer_id
    where previous_id_homes.home_rank = 1
),

component_first_keys as (
    select component_id, min(identifier_key) as first_identifier_key
    from identifiers
    where component_id is not null
    group by component_id
),

component_customers as (
    select
        component_first_keys.component_id,
        coalesce(
            surviving_ids.customer_id,
            {{ dbt.concat(["'cus_'", 'substr(' ~ dbt.hash(
                dbt.concat(['component_first_keys.first_identifier_key', "'@'",
                    "cast(" ~ identity_run_at() ~ " as " ~ dbt.type_string() ~ ")"])
                if is_incremental() else 'component_first_keys.first_identifier_key'
            ) ~ ', 1, 16)']) }}
        ) as customer_id
    from component_first_keys
    left join surviving_ids
        on surviving_ids.component_id = component_first_keys.component_id
        and surviving_ids.survival_rank = 1
),

{#- Identifiers that changed customer or appeared, and those that left every customer (now rejected by a
    guard, or their records are gone: no component, so a NULL customer). -#}
final as (
    select
        identifiers.identifier_key,
        identifiers.identifier_type,
        identifiers.identifier_value,
        component_customers.customer_id,
        {{ identity_run_at() }} as assigned_at
    from identifiers
    left join component_customers on component_customers.component_id = identifiers.component_id
    where identifiers.previous_customer_id is null
        or component_customers.customer_id is null
        or component_customers.customer_id <> identifiers.previous_customer_id
)

select * from final
