{#-
  A WHERE condition that drops rows carrying an identifier someone asked to be forgotten.

  `columns` maps each identifier column of the model to the identifier type(s) it holds, e.g.
  `not_tombstoned({'email': 'email', 'previous_id': ['user_id', 'anonymous_id']})`. Columns must hold the
  normalised value (apply this after normalisation). A tombstone is the SHA-256 of
  `<salt>:<identifier type>:<value>`, so the warehouse keeps no identifier in clear text.

  Renders `true` when no tombstone exists yet, so ordinary builds pay nothing; `cdp privacy forget` writes
  its tombstones before it rebuilds, which re-renders the staging views with the filter.
-#}
{% macro not_tombstoned(columns) -%}
  {%- if privacy_row_count('tombstones') == 0 -%}
    true
  {%- else -%}
    {%- set tombstones = privacy_relation('tombstones') -%}
    {%- set salt = privacy_relation('tombstone_salt') -%}
    {%- set conditions = [] -%}
    {%- for column, types in columns.items() -%}
      {%- for identifier_type in ([types] if types is string else types) -%}
        {%- set hashed = privacy_sha256(dbt.concat([
              '(select max(salt) from ' ~ salt ~ ')', "':" ~ identifier_type ~ ":'", column
            ])) -%}
        {%- do conditions.append(
              '(' ~ column ~ ' is null or ' ~ hashed ~ ' not in (select identifier_hash from ' ~ tombstones ~ '))'
            ) -%}
      {%- endfor -%}
    {%- endfor -%}
    ({{ conditions | join('\n        and ') }})
  {%- endif -%}
{%- endmacro %}
