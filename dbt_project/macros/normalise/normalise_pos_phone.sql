{#-
    A point-of-sale line's phone in E.164. POS exports carry no country, so a number written nationally
    (`07911 123456`) is read for its store's country when the var `pos_store_countries` maps the store
    (store id as exported, trimmed → ISO 3166 alpha-2), else for `default_phone_country`, as
    `normalise_phone_in_country` reads a CRM contact's number. With no mapping it is `normalise_phone`.
    Staging and `privacy_raw_identifiers` both call it, so `cdp privacy forget` finds what staging keeps.
-#}
{% macro normalise_pos_phone(phone_expr, store_expr) -%}
    {%- set stores = var('pos_store_countries', none) or {} -%}
    {%- if stores is not mapping -%}
        {{ exceptions.raise_compiler_error(
            "var pos_store_countries must map store ids to countries (e.g. {\"store-17\": \"GB\"}), got "
            ~ stores) }}
    {%- endif -%}
    {%- if stores | length == 0 -%}
        {{ tessera.normalise_phone(phone_expr) }}
    {%- else -%}
        {%- set known = tessera.phone_countries() -%}
        {%- for store_id, country in stores.items() if (country | string | upper) not in known -%}
            {{ exceptions.raise_compiler_error(
                "var pos_store_countries: store '" ~ store_id ~ "' has country '" ~ country
                ~ "', not one of " ~ (known.keys() | list | sort | join(', '))) }}
        {%- endfor -%}
        {%- set store_country -%}
            case {{ tessera.clean_text(store_expr) }}
            {%- for store_id, country in stores.items() | sort %}
                when {{ tessera.string_literal(store_id | string) }} then '{{ country | string | upper }}'
            {%- endfor %}
            end
        {%- endset -%}
        {{ tessera.normalise_phone_in_country(phone_expr, store_country,
            countries=stores.values() | map('string') | map('upper') | unique | list) }}
    {%- endif -%}
{%- endmacro %}
