{#
    Regular expressions. Patterns are given as plain text (not SQL literals) and must stay within the
    syntax RE2 (DuckDB), POSIX ARE (Postgres) and Java (Spark) share: no look-arounds, no back-references,
    no `\d`; write `[0-9]`, `[.]`, `[+]` instead of backslash escapes.
#}

{#- True when `expr` contains a match for `pattern` (anchor it with ^...$ for a full match). -#}
{% macro regex_matches(expr, pattern) %}
    {{- return(adapter.dispatch('regex_matches', 'tessera')(expr, pattern)) -}}
{% endmacro %}

{% macro default__regex_matches(expr, pattern) -%}
    regexp_like({{ expr }}, {{ tessera.string_literal(pattern) }})
{%- endmacro %}

{% macro duckdb__regex_matches(expr, pattern) -%}
    regexp_matches({{ expr }}, {{ tessera.string_literal(pattern) }})
{%- endmacro %}

{% macro postgres__regex_matches(expr, pattern) -%}
    ({{ expr }} ~ {{ tessera.string_literal(pattern) }})
{%- endmacro %}

{% macro spark__regex_matches(expr, pattern) -%}
    ({{ expr }} rlike {{ tessera.string_literal(pattern) }})
{%- endmacro %}


{#- `expr` with every match of `pattern` replaced by the literal text `replacement`. -#}
{% macro regex_replace_all(expr, pattern, replacement) %}
    {{- return(adapter.dispatch('regex_replace_all', 'tessera')(expr, pattern, replacement)) -}}
{% endmacro %}

{#- Snowflake, Trino, MySQL and Spark replace every match by default. -#}
{% macro default__regex_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ tessera.string_literal(pattern) }}, {{ tessera.string_literal(replacement) }})
{%- endmacro %}

{% macro duckdb__regex_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ tessera.string_literal(pattern) }}, {{ tessera.string_literal(replacement) }}, 'g')
{%- endmacro %}

{% macro postgres__regex_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ tessera.string_literal(pattern) }}, {{ tessera.string_literal(replacement) }}, 'g')
{%- endmacro %}
