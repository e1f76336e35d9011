{#-
  The customer of every source record that resolved to one: marts join source facts to customers only
  through this model. A Segment event under an anonymous id resolves through that id, so browsing before
  the person identified is theirs retroactively. When a record's identifiers sit in different customers
  (a guard dropped the link), the strongest identifier decides, then the one carried by more records.
-#}

with

identifiers as (
    select * from {{ ref('int_identifiers_unioned') }}
),

current_assignments as (
    select * from {{ ref('int_identity_current_assignments') }}
),

record_candidates as (
    select
        identifiers.source,
        identifiers.record_id,
        current_assignments.customer_id,
        current_assignments.identifier_type,
        row_number() over (
            partition by identifiers.source, identifiers.record_id
            order by current_assignments.type_priority, current_assignments.record_count desc,
                current_assignments.customer_id
        ) as candidate_rank
    from identifiers
    inner join current_assignments
        on current_assignments.identifier_type = identifiers.identifier_type
        and current_assignments.identifier_value = identifiers.identifier_value
),

final as (
    select
        source,
        record_id,
        customer_id,
        identifier_type as resolved_by
    from record_candidates
    where candidate_rank = 1
)

select * from final
