{#- Fails with one row per combination of `columns` that appears more than once. -#}
{% test profile_unique_key(model, columns) %}

select
    {{ columns | join(', ') }},
    count(*) as occurrences
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
