{#-
  An audience's table and its open memberships agree: every non-holdout open member is in the table,
  every row of the table is an open non-holdout member, and no customer has two open stays. Fails with one
  row per customer that breaks a rule.
-#}
{% test audience_history_matches(model) %}

{%- set memberships = api.Relation.create(database=model.database, schema=model.schema, identifier='segment_memberships') -%}

with

open_members as (
    select
        customer_id,
        is_holdout,
        count(*) over (partition by customer_id) as open_rows
    from {{ memberships }}
    where segment_name = {{ tessera.string_literal(model.identifier) }}
        and exited_at is null
),

audience as (
    select distinct cast(customer_id as {{ dbt.type_string() }}) as customer_id from {{ model }}
),

problems as (
    select audience.customer_id, 'in the audience table without an open membership' as problem
    from audience
    where not exists (
        select 1 from open_members
        where open_members.customer_id = audience.customer_id and not open_members.is_holdout
    )
    union all
    select open_members.customer_id, 'open member missing from the audience table' as problem
    from open_members
    where not open_members.is_holdout
        and not exists (select 1 from audience where audience.customer_id = open_members.customer_id)
    union all
    select customer_id, 'several open memberships' as problem
    from open_members
    where open_rows > 1
)

select * from problems

{% endtest %}
