{#- Lower-case hex SHA-256 of a text expression: the hash `privacy/tombstones.py` writes in Python. -#}
{% macro privacy_sha256(expression) -%}
  {{ return(adapter.dispatch('privacy_sha256', 'tessera')(expression)) }}
{%- endmacro %}

{% macro default__privacy_sha256(expression) -%}
  sha256({{ expression }})
{%- endmacro %}

{% macro postgres__privacy_sha256(expression) -%}
  encode(sha256(convert_to({{ expression }}, 'UTF8')), 'hex')
{%- endmacro %}

{% macro spark__privacy_sha256(expression) -%}
  sha2({{ expression }}, 256)
{%- endmacro %}
