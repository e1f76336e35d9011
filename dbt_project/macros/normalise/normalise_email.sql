{#
    Email addresses are compared trimmed (of any whitespace, tabs and no-break spaces included) and
    lower-cased. Anything that does not look like
    local@domain.tld (one @, no spaces, dot-separated atoms on the left, DNS labels and an alphabetic or
    punycode TLD on the right) becomes NULL, so placeholders such as `n/a`, `none@` or `test` never link
    two customers.
#}

{% macro _email_pattern() -%}
    {%- set atom = "[a-z0-9!#$%&'*+/=?^_`{|}~-]+" -%}
    {%- set label = "[a-z0-9]([a-z0-9-]*[a-z0-9])?" -%}
    ^{{ atom }}([.]{{ atom }})*@({{ label }}[.])+([a-z]{2,63}|xn--[a-z0-9-]{1,59})$
{%- endmacro %}

{#- Whitespace an export can leave around a value: spaces, tabs, line breaks, no-break spaces. -#}
{% macro _surrounding_whitespace_pattern() -%}
    {%- set ws = "[ \t\r\n\x0b\x0c\xa0]" -%}
    ^{{ ws }}+|{{ ws }}+$
{%- endmacro %}

{% macro normalise_email(expr) -%}
    {%- set cleaned_sql = "lower(" ~ tessera.regex_replace_all(expr, tessera._surrounding_whitespace_pattern(), "") ~ ")" -%}
    {#- The cleaned value is used three times: named once per row where the engine can (`bind_values`). -#}
    {%- set cleaned = tessera.bound_value('email_cleaned', cleaned_sql) -%}
    {%- set checked -%}
        case
            when length({{ cleaned }}) <= 254 and {{ tessera.regex_matches(cleaned, tessera._email_pattern()) }}
                then {{ cleaned }}
        end
    {%- endset -%}
    case
        when {{ expr }} is null then null
        else {{ tessera.bind_values([('email_cleaned', cleaned_sql)], checked) }}
    end
{%- endmacro %}
