{#
    What `normalise_phone` knows about a country: calling code, the trunk prefix dialled before national
    numbers (`0` in most of Europe; `1` for NANP, where it is only stripped from 11-digit numbers), and the
    lengths a valid national significant number (NSN, the digits after the calling code) can have, taken
    from the number types of the ITU/libphonenumber numbering plans (fixed, mobile, toll-free, premium,
    shared-cost, personal, VoIP, UAN; not pagers or voicemail), capped so the E.164 number has at most 15
    digits.

    `nanp` countries also require the area code and exchange to start with 2-9; `nsn_not_zero` countries
    never have an NSN starting with 0 (their leading 0 is the trunk prefix). Italian numbers keep their 0
    in E.164, so Italy has no trunk prefix.
#}
{% macro phone_countries() %}
    {{- return({
        'US': {'calling_code': '1', 'trunk_prefix': '1', 'nsn_lengths': [10], 'nanp': true, 'nsn_not_zero': true},
        'CA': {'calling_code': '1', 'trunk_prefix': '1', 'nsn_lengths': [10], 'nanp': true, 'nsn_not_zero': true},
        'GB': {'calling_code': '44', 'trunk_prefix': '0', 'nsn_lengths': [7, 9, 10], 'nanp': false, 'nsn_not_zero': true},
        'DE': {'calling_code': '49', 'trunk_prefix': '0', 'nsn_lengths': [5, 6, 7, 8, 9, 10, 11, 12, 13], 'nanp': false, 'nsn_not_zero': true},
        'FR': {'calling_code': '33', 'trunk_prefix': '0', 'nsn_lengths': [9], 'nanp': false, 'nsn_not_zero': true},
        'NL': {'calling_code': '31', 'trunk_prefix': '0', 'nsn_lengths': [5, 6, 7, 8, 9, 10, 11], 'nanp': false, 'nsn_not_zero': true},
        'ES': {'calling_code': '34', 'trunk_prefix': '', 'nsn_lengths': [9], 'nanp': false, 'nsn_not_zero': true},
        'IT': {'calling_code': '39', 'trunk_prefix': '', 'nsn_lengths': [6, 7, 8, 9, 10, 11, 12], 'nanp': false, 'nsn_not_zero': false},
        'AU': {'calling_code': '61', 'trunk_prefix': '0', 'nsn_lengths': [6, 7, 8, 9, 10, 12], 'nanp': false, 'nsn_not_zero': true},
        'IE': {'calling_code': '353', 'trunk_prefix': '0', 'nsn_lengths': [7, 8, 9, 10], 'nanp': false, 'nsn_not_zero': true},
    }) -}}
{% endmacro %}


{#- The rules for one calling code (US and CA share +1 and the same rules). -#}
{% macro phone_calling_codes() %}
    {%- set by_code = {} -%}
    {%- for country, rules in tessera.phone_countries().items() -%}
        {%- do by_code.update({rules.calling_code: rules}) -%}
    {%- endfor -%}
    {{- return(by_code) -}}
{% endmacro %}
