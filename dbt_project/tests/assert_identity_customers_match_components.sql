{#-
  Stable ids never blur the graph: every final component maps to exactly one customer id and every
  customer id to exactly one component. Returns components or customers that break this.
-#}

{#- Shown in Dagster as a check on customer_identifiers (a singular test has no single parent). -#}
{{ config(meta={'dagster': {'ref': {'name': 'customer_identifiers'}}}) }}

with

components as (
    select * from {{ ref('int_identity_components') }}
),

current_assignments as (
    select * from {{ ref('int_identity_current_assignments') }}
),

pairs as (
    select distinct components.component_id, current_assignments.customer_id
    from components
    left join current_assignments on current_assignments.node_id = components.node_id
),

components_with_several_ids as (
    select 'component' as kind, cast(component_id as {{ dbt.type_string() }}) as id, count(*) as matches
    from pairs
    group by component_id
    having count(*) > 1 or max(customer_id) is null
),

customers_with_several_components as (
    select 'customer' as kind, customer_id as id, count(*) as matches
    from pairs
    where customer_id is not null
    group by customer_id
    having count(*) > 1
)

select * from components_with_several_ids
union all
select * from customers_with_several_components
