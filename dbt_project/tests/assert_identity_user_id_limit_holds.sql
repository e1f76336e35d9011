{#-
  No customer holds more logged-in accounts than identity_type_limits allows for user_id (an old user id
  aliased to a new one counts once). Returns the offending customers.
-#}

{#- Shown in Dagster as a check on customer_identifiers (a singular test has no single parent). -#}
{{ config(meta={'dagster': {'ref': {'name': 'customer_identifiers'}}}) }}

with

current_assignments as (
    select * from {{ ref('int_identity_current_assignments') }}
),

aliases as (
    select * from {{ ref('int_identity_aliases') }}
),

user_accounts as (
    select
        current_assignments.customer_id,
        count(distinct coalesce(aliases.anchor_node_id, current_assignments.node_id)) as accounts
    from current_assignments
    left join aliases on aliases.node_id = current_assignments.node_id
    where current_assignments.identifier_type = 'user_id'
    group by current_assignments.customer_id
)

select *
from user_accounts
where accounts > {{ identity_type_limits().get('user_id', 1) }}
