{#
    `normalise_phone` for a record that says which country its customer is in (a CRM contact's
    Country/Region, an order's billing country). A number written nationally (`07911 123456`) only has one
    meaning given its country, so it is read as a number of the record's country first; when that gives
    nothing (no country, a country outside `phone_countries()`, or a value that is not a valid number
    there) it is read as `normalise_phone` reads it, with the default country. International values
    (`+`, `00`) come out the same either way.

    `country_expr` may hold an ISO 3166 alpha-2 code or a common English name (`United Kingdom`).
    `countries`, when given, limits the countries tried to those (the caller knows which can occur), which
    keeps the expression short.
#}
{% macro normalise_phone_in_country(expr, country_expr, countries=none) -%}
    {%- set default = var('default_phone_country', 'US') | upper -%}
    {%- set all_countries = tessera.phone_countries() -%}
    {%- set default_code = all_countries[default].calling_code if default in all_countries else none -%}
    {%- set tried = [] -%}
    {%- for country, rules in all_countries.items()
        if rules.calling_code != default_code and (countries is none or country in countries) -%}
        {%- do tried.append(country) -%}
    {%- endfor -%}
    {%- if tried -%}
    coalesce(
        case {{ tessera.country_code(country_expr) }}
        {%- for country in tried %}
            when '{{ country }}' then {{ tessera.normalise_phone(expr, country) }}
        {%- endfor %}
        end,
        {{ tessera.normalise_phone(expr) }}
    )
    {%- else -%}
    {{ tessera.normalise_phone(expr) }}
    {%- endif -%}
{%- endmacro %}


{#- ISO 3166 alpha-2 code for a country written as a code or as a common English name; NULL if unknown. -#}
{% macro country_code(expr) -%}
    {%- set names = {
        'UNITED STATES': 'US', 'UNITED STATES OF AMERICA': 'US', 'USA': 'US', 'CANADA': 'CA',
        'UNITED KINGDOM': 'GB', 'UK': 'GB', 'GREAT BRITAIN': 'GB', 'ENGLAND': 'GB', 'SCOTLAND': 'GB',
        'WALES': 'GB', 'NORTHERN IRELAND': 'GB', 'GERMANY': 'DE', 'DEUTSCHLAND': 'DE', 'FRANCE': 'FR',
        'NETHERLANDS': 'NL', 'THE NETHERLANDS': 'NL', 'HOLLAND': 'NL', 'SPAIN': 'ES', 'ESPANA': 'ES',
        'ITALY': 'IT', 'ITALIA': 'IT', 'AUSTRALIA': 'AU', 'IRELAND': 'IE',
    } -%}
    {%- set cleaned = "upper(trim(" ~ expr ~ "))" -%}
    case
        {%- for name, code in names.items() %}
        when {{ cleaned }} = '{{ name }}' then '{{ code }}'
        {%- endfor %}
        when length({{ cleaned }}) = 2 then {{ cleaned }}
    end
{%- endmacro %}
