{#-
  Generic test: no two rows of the model share the same values in all of `columns` (a compound key).
  With `latest_build_column`, only the rows the latest build wrote (those holding that column's newest
  value) are checked: for a model that rewrites every row of a key it touches, a duplicate can only be
  among them, and the earlier builds' rows were checked when they were written.
-#}
{% test unique_combination(model, columns, latest_build_column=none) %}

select {{ columns | join(', ') }}, count(*) as rows_with_key
from {{ model }}
{%- if latest_build_column %}
where {{ latest_build_column }} = (select max({{ latest_build_column }}) from {{ model }})
{%- endif %}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
