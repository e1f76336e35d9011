{#
    Phone numbers to E.164 text (`+<country code><national number>`), or NULL when the value cannot be a
    real number.

    - Formatting is ignored: spaces, dots, dashes, slashes, parentheses, the `(0)` of `+44 (0)20 ...`, and
      a trailing extension (`x12`, `ext. 12`, `extension 12`, `#12`). Any other character (letters)
      makes the value invalid.
    - A leading `+` or `00` marks an international number. Anything else is a national number of
      `default_country` (the `default_phone_country` var, ISO 3166 alpha-2): its trunk prefix is dropped
      (`0` in most of Europe and Australia, `1` from 11-digit NANP numbers) and its calling code prepended.
      A national value too long for the country that starts with the calling code is read as the
      international number written without `+`.
    - Checks: for the calling codes in `phone_countries()` the national significant number must have one
      of the country's lengths (NANP: 10 digits, area code and exchange starting with 2-9); other calling
      codes need 8-15 digits in all. Placeholders are rejected: numbers whose digits after the first 1, 2
      or 3 are one repeated digit (`5555555555`) or a run of 6+ ascending or descending digits
      (`1234567890`). The fictional 555-0100..0199 range is well-formed and kept.
#}
{% macro normalise_phone(expr, default_country=none) -%}
    {%- set country = (default_country or var('default_phone_country', 'US')) | upper -%}
    {%- set countries = tessera.phone_countries() -%}
    {%- if country not in countries -%}
        {{ exceptions.raise_compiler_error(
            "normalise_phone: default country '" ~ country ~ "' is not one of "
            ~ (countries.keys() | list | sort | join(', ')) ~ " (set var default_phone_country)") }}
    {%- endif -%}
    {%- set home = countries[country] -%}

    {#- One regex drops the extension and the `(0)` trunk marker. The expressions below repeat `bare`,
        `digits` and the E.164 digits many times: where the engine can (`bind_values`) they are named
        once per row, elsewhere they are written out. -#}
    {%- set bare_sql = tessera.regex_replace_all(
        "lower(trim(" ~ expr ~ "))",
        "( *[,;]? *(extension|ext[.]?|x|#) *[.:]? *[0-9]+ *$)|([(]0[)])",
        "") -%}
    {%- set bare = tessera.bound_value('phone_bare', bare_sql) -%}
    {%- set is_well_formed = tessera.regex_matches(bare, "^[+]?[0-9 ./()-]*[0-9][0-9 ./()-]*$") -%}
    {%- set digits_sql = "translate(" ~ bare ~ ", '+ ./()-', '')" -%}
    {%- set digits = tessera.bound_value('phone_digits', digits_sql) -%}

    {%- set national_number -%}
        case
            {%- if home.trunk_prefix %}
            when {{ digits }} like '{{ home.trunk_prefix }}%'
                {%- if home.nanp %} and length({{ digits }}) = 11{% endif %}
                then substr({{ digits }}, {{ home.trunk_prefix | length + 1 }})
            {%- endif %}
            when length({{ digits }}) > {{ home.nsn_lengths | max }} and {{ digits }} like '{{ home.calling_code }}%'
                then substr({{ digits }}, {{ home.calling_code | length + 1 }})
            else {{ digits }}
        end
    {%- endset -%}

    {%- set e164_sql -%}
        case
            when {{ bare }} like '+%' then {{ digits }}
            when {{ digits }} like '00%' then substr({{ digits }}, 3)
            else '{{ home.calling_code }}' || {{ national_number }}
        end
    {%- endset -%}
    {%- set e164_digits = tessera.bound_value('phone_e164', e164_sql) -%}

    {%- set checked -%}
        case
            when {{ is_well_formed }}
                and {{ tessera._is_plausible_e164_digits(e164_digits) }}
                then '+' || {{ e164_digits }}
        end
    {%- endset -%}

    {#- The first branch lets engines that evaluate CASE lazily (DuckDB) skip the rest for NULLs. #}
    case
        when {{ expr }} is null then null
        else {{ tessera.bind_values(
            [('phone_bare', bare_sql), ('phone_digits', digits_sql), ('phone_e164', e164_sql)], checked) }}
    end
{%- endmacro %}


{#-
    A regex for the E.164 digits of the calling codes in `phone_countries()`: the code, then a national
    number of an allowed length (NANP: area code and exchange starting 2-9; no leading 0 where 0 is the
    trunk prefix).
-#}
{% macro _known_e164_pattern() -%}
    {%- set alternatives = [] -%}
    {%- for code, rules in tessera.phone_calling_codes().items() -%}
        {%- if rules.nanp -%}
            {%- do alternatives.append(code ~ "[2-9][0-9]{2}[2-9][0-9]{6}") -%}
        {%- else -%}
            {%- set first = "[1-9]" if rules.nsn_not_zero else "[0-9]" -%}
            {%- set rests = [] -%}
            {%- for n in rules.nsn_lengths -%}{%- do rests.append("[0-9]{" ~ (n - 1) ~ "}") -%}{%- endfor -%}
            {%- do alternatives.append(code ~ first ~ "(" ~ (rests | join("|")) ~ ")") -%}
        {%- endif -%}
    {%- endfor -%}
    ^({{ alternatives | join("|") }})$
{%- endmacro %}


{#- True when the E.164 digits `e164` (no `+`) have a plausible length and shape and are no placeholder. -#}
{% macro _is_plausible_e164_digits(e164) -%}
    {%- set known_codes = tessera.phone_calling_codes().keys() | list -%}
    (case
        when {{ tessera.regex_matches(e164, "^(" ~ (known_codes | join("|")) ~ ")") }}
            then {{ tessera.regex_matches(e164, tessera._known_e164_pattern()) }}
        else {{ tessera.regex_matches(e164, "^[1-9][0-9]{7,14}$") }}
    end
    {%- for code_length in [1, 2, 3] %}
    and not {{ tessera._is_placeholder_number("substr(" ~ e164 ~ ", " ~ (code_length + 1) ~ ")") }}
    {%- endfor %})
{%- endmacro %}


{#-
    One digit repeated, or 6+ consecutive ascending or descending digits (wrapping 9->0 / 0->9). Applied
    to the number without its first 1, 2 and 3 digits, so whatever the length of the calling code, a
    national number like 5555555555 or 1234567890 is caught.
-#}
{% macro _is_placeholder_number(digits) -%}
    ({{ tessera.regex_matches(digits, "^(0+|1+|2+|3+|4+|5+|6+|7+|8+|9+)$") }}
        or (length({{ digits }}) >= 6
            and ({{ dbt.position(digits, "'012345678901234567890123456789'") }} > 0
                or {{ dbt.position(digits, "'987654321098765432109876543210'") }} > 0)))
{%- endmacro %}
