{#-
  Which guard entry blocks an identifier, or NULL when it is usable: 'listed placeholder' for a listed
  value, 'matches <pattern>' for a value matching a placeholder pattern of its type (or of every type, '*').
-#}
{% macro identity_blocked_detail(type_column, value_column) -%}
  {%- set values = identity_blocked_values() -%}
  {%- set patterns = identity_blocked_patterns() -%}
  case
    {%- for type_name, listed in values.items() if listed %}
    when {% if type_name != '*' %}{{ type_column }} = '{{ type_name }}' and {% endif -%}
      lower({{ value_column }}) in (
        {%- for v in listed %}'{{ v | replace("'", "''") }}'{% if not loop.last %}, {% endif %}{% endfor -%}
      ) then 'listed placeholder'
    {%- endfor %}
    {%- for type_name, listed in patterns.items() %}
    {%- for pattern in listed %}
    when {% if type_name != '*' %}{{ type_column }} = '{{ type_name }}' and {% endif -%}
      {{ tessera.regex_matches('lower(' ~ value_column ~ ')', pattern) }} then {{ "'matches " ~ pattern | replace("'", "''") ~ "'" }}
    {%- endfor %}
    {%- endfor %}
    else null
  end
{%- endmacro %}


{#-
  The guard rule of a detail `identity_blocked_detail` gave: `blocked_value` for a listed placeholder,
  `blocked_pattern` for a pattern, NULL when nothing blocks it. The patterns are matched once, not twice.
-#}
{% macro identity_blocked_rule_of_detail(detail_column) -%}
  case when {{ detail_column }} = 'listed placeholder' then 'blocked_value'
    when {{ detail_column }} is not null then 'blocked_pattern' end
{%- endmacro %}


{#-
  The rows of `links` (a relation or CTE of int_record_links rows) that link two usable identifiers:
  not a record's placeholder, and neither end blocked by the guard lists as they are now. Blocked
  identifiers are few, so this is a cheap anti-join.
-#}
{% macro identity_usable_links(links) -%}
    select {{ links }}.*
    from {{ links }}
    left join {{ ref('int_identity_nodes') }} as blocked_a
        on blocked_a.node_id = {{ links }}.node_a and blocked_a.blocked_rule is not null
    left join {{ ref('int_identity_nodes') }} as blocked_b
        on blocked_b.node_id = {{ links }}.node_b and blocked_b.blocked_rule is not null
    where {{ links }}.node_a is not null and blocked_a.node_id is null and blocked_b.node_id is null
{%- endmacro %}
