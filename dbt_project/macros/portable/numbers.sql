{#
    Numeric casts that give NULL instead of failing on text that is not a number. The guard is a regex
    rather than try_cast because Postgres has no try_cast.
#}

{% macro _decimal_pattern() -%}
    ^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)$
{%- endmacro %}

{#- Text to DECIMAL(18,2) (money): `'12.5'` -> 12.50; NULL when not a plain decimal number. -#}
{% macro to_decimal(expr) -%}
    case
        when {{ tessera.regex_matches("trim(" ~ expr ~ ")", tessera._decimal_pattern()) }}
            then cast(trim({{ expr }}) as decimal(18, 2))
    end
{%- endmacro %}

{#- Text to a whole number: `'3'` and `'3.0'` -> 3; NULL for fractions and non-numbers. -#}
{% macro to_integer(expr) -%}
    case
        when {{ tessera.regex_matches("trim(" ~ expr ~ ")", "^[+-]?[0-9]{1,18}([.]0*)?$") }}
            then cast(cast(trim({{ expr }}) as decimal(38, 0)) as bigint)
    end
{%- endmacro %}

{#- True when `expr` is numeric text (used to guard epoch casts). -#}
{% macro is_numeric_text(expr) -%}
    {{ tessera.regex_matches("trim(" ~ expr ~ ")", tessera._decimal_pattern()) }}
{%- endmacro %}
