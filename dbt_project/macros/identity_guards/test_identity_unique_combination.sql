{#- Generic test: no two rows of the model share the same values in all of `columns` (a compound key). -#}
{% test identity_unique_combination(model, columns) %}

select {{ columns | join(', ') }}, count(*) as rows_with_key
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
