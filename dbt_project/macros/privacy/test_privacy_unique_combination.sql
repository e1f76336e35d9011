{#- Generic test: no two rows share the same values of `columns` (a composite key). -#}
{% test privacy_unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as copies
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
