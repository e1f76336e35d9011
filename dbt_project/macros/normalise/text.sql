{#- Trimmed text, NULL when empty. -#}
{% macro clean_text(expr) -%}
    nullif(trim({{ expr }}), '')
{%- endmacro %}

{#-
    An identifier as trimmed text. Whole numbers that went through a float on the way (`123.0`, as
    spreadsheets and pandas write them) lose the decimals, so `123.0` and `123` are the same id.
-#}
{% macro normalise_id(expr) -%}
    case
        when {{ tessera.regex_matches("trim(" ~ expr ~ ")", "^[0-9]+[.]0+$") }}
            then {{ dbt.split_part("trim(" ~ expr ~ ")", "'.'", 1) }}
        else {{ tessera.clean_text(expr) }}
    end
{%- endmacro %}
