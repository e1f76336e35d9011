{#- Small, unit-tested trait definitions shared by the profile models. -#}

{#- NPS category of a 0-10 score: 9-10 promoter, 7-8 passive, 0-6 detractor; NULL for no score. -#}
{% macro nps_category(score) -%}
  case
    when {{ score }} >= 9 then 'promoter'
    when {{ score }} >= 7 then 'passive'
    when {{ score }} >= 0 then 'detractor'
  end
{%- endmacro %}

{#-
  RFM segment name from recency, frequency and monetary quintile scores (5 = best). The rules follow the
  common eleven-segment RFM map, using recency and the mean of frequency and monetary; they are checked
  top to bottom.
-#}
{% macro rfm_segment_name(r, f, m) -%}
  {%- set fm = '((' ~ f ~ ' + ' ~ m ~ ') / 2.0)' -%}
  case
    when {{ r }} is null then null
    when {{ r }} >= 4 and {{ fm }} >= 4 then 'champions'
    when {{ r }} >= 3 and {{ fm }} >= 3 then 'loyal'
    when {{ r }} >= 4 and {{ fm }} >= 2 then 'potential_loyalists'
    when {{ r }} >= 4 then 'new_customers'
    when {{ r }} = 3 and {{ fm }} >= 2 then 'needs_attention'
    when {{ r }} = 3 then 'promising'
    when {{ r }} <= 2 and {{ fm }} >= 4 then 'cannot_lose_them'
    when {{ r }} = 2 and {{ fm }} >= 2 then 'at_risk'
    when {{ r }} = 2 then 'about_to_sleep'
    when {{ fm }} >= 2 then 'hibernating'
    else 'lost'
  end
{%- endmacro %}

{#- `amount` converted from `currency` to the reporting currency with the static rates; NULL when unknown. -#}
{% macro to_reporting_currency(amount, currency) -%}
  cast({{ amount }} * case {{ currency }}
    {%- for code, rate in tessera.profile_fx_rates().items() %}
    when {{ tessera.string_literal(code) }} then {{ rate }}
    {%- endfor %}
  end as decimal(18, 2))
{%- endmacro %}

{#-
  The ORDER BY that ranks candidate values of every golden-record attribute at once (a window partitioned
  by customer and attribute), best first, for the survivorship `config` (see profile_survivorship). Each
  rule is a sort key that is constant under the other rules: the source's rank for source_priority, the
  value's record count for most_frequent; then the latest observation wins, ties by source and value.
  Candidates carry `attribute`, `source`, `observed_at`, `value` and `value_record_count`.
-#}
{% macro survivorship_order(config, attributes) -%}
  {%- set most_frequent = [] -%}
  {%- set priorities = [] -%}
  {%- for attribute in attributes %}
    {%- set rule = config.get(attribute, {'rule': 'most_recent'}) %}
    {%- set rule_name = rule.get('rule', 'most_recent') %}
    {%- if rule_name == 'source_priority' %}
      {%- set ranks = [] %}
      {%- for source in rule.get('sources', []) %}
        {%- do ranks.append('when ' ~ tessera.string_literal(source) ~ ' then ' ~ loop.index) %}
      {%- endfor %}
      {%- if ranks %}
        {%- do priorities.append('when ' ~ tessera.string_literal(attribute) ~ ' then case source '
            ~ ranks | join(' ') ~ ' else 999 end') %}
      {%- endif %}
    {%- elif rule_name == 'most_frequent' %}
      {%- do most_frequent.append(attribute) %}
    {%- elif rule_name != 'most_recent' %}
      {{ exceptions.raise_compiler_error(
          "profile_survivorship: unknown rule '" ~ rule_name ~ "' for " ~ attribute
          ~ "; use source_priority, most_recent or most_frequent") }}
    {%- endif %}
  {%- endfor %}
    {#- A CASE needs at least one WHEN: with no source_priority rule the key is left out. #}
    {%- if priorities %}
    case attribute {{ priorities | join(' ') }} else 0 end,
    {%- endif %}
    {%- if most_frequent %}
    case when attribute in {{ tessera.sql_text_list(most_frequent) }} then value_record_count else 0 end desc,
    {%- endif %}
    observed_at desc, source, value
{%- endmacro %}

{#-
  The non-null values of `measure` in a group, sorted, joined by `delimiter` (a SQL string literal).
  Sorted by value so every engine gives the same text (on Spark through the project's `spark__listagg`,
  which keeps the order and gives NULL, not '', for no values).
-#}
{% macro sorted_list(measure, delimiter="', '") %}
    {{- return(adapter.dispatch('sorted_list', 'tessera')(measure, delimiter)) -}}
{% endmacro %}

{% macro default__sorted_list(measure, delimiter) -%}
    {{ dbt.listagg(measure, delimiter, 'order by ' ~ measure) }}
{%- endmacro %}
