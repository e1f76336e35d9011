{#
    A SQL string literal holding `value` exactly.

    Spark reads backslash escapes inside string literals and concatenates adjacent literals ('a''b' is
    'ab'), so quotes and backslashes are escaped with a backslash there; elsewhere quotes are doubled.
#}
{% macro string_literal(value) %}
    {{- return(adapter.dispatch('string_literal', 'tessera')(value)) -}}
{% endmacro %}

{% macro default__string_literal(value) -%}
    '{{ value | replace("'", "''") }}'
{%- endmacro %}

{% macro spark__string_literal(value) -%}
    '{{ value | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}
