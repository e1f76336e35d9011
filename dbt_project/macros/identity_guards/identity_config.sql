{#-
  Identity resolution settings. Every setting is a dbt var whose default lives here, so the project works
  with no vars block; set any of them in dbt_project.yml `vars:` or with `--vars` to tune the guards.
  docs/identity.md explains each one.
-#}

{#- The identifier types of CONTRACTS.md, in priority order (1 = strongest). -#}
{% macro identity_type_priority() -%}
  {{ return(var('identity_type_priority', {
      'user_id': 1,
      'crm_id': 2,
      'shopify_customer_id': 2,
      'loyalty_id': 2,
      'zendesk_user_id': 2,
      'email': 3,
      'phone': 4,
      'device_id': 5,
      'anonymous_id': 6,
  })) }}
{%- endmacro %}

{#-
  Most identifiers of one type a single customer may hold. Two logged-in accounts are two people; CRM,
  shop and support duplicates of one person are common; browsers and devices are many.
-#}
{% macro identity_type_limits() -%}
  {{ return(var('identity_type_limits', {
      'user_id': 1,
      'crm_id': 3,
      'shopify_customer_id': 1,
      'loyalty_id': 1,
      'zendesk_user_id': 2,
      'email': 2,
      'phone': 2,
      'device_id': 20,
      'anonymous_id': 500,
  })) }}
{%- endmacro %}

{#-
  Super-node rule: an identifier directly linked to more distinct identifiers of type T than this number
  cannot belong to one person and stops being a link. Types missing here are not counted (a person has many
  browsers), types in identity_super_node_exempt_types are never super-nodes themselves.
-#}
{% macro identity_super_node_limits() -%}
  {{ return(var('identity_super_node_limits', {
      'user_id': 1,
      'crm_id': 3,
      'shopify_customer_id': 1,
      'loyalty_id': 1,
      'zendesk_user_id': 2,
      'email': 2,
      'phone': 2,
  })) }}
{%- endmacro %}

{% macro identity_super_node_exempt_types() -%}
  {{ return(var('identity_super_node_exempt_types', ['user_id'])) }}
{%- endmacro %}

{#- Placeholder values that never identify anyone, compared after normalisation (lower-cased for ids). -#}
{% macro identity_blocked_values() -%}
  {{ return(var('identity_blocked_values', {
      'email': [
          'test@test.com', 'test@example.com', 'example@example.com', 'email@example.com',
          'noemail@noemail.com', 'no@email.com', 'none@none.com', 'null@null.com', 'na@na.com',
          'email@email.com', 'abc@abc.com', 'a@a.com', 'x@x.com', 'asdf@asdf.com', 'customer@customer.com',
          'noreply@noreply.com', 'unknown@unknown.com', 'none@email.com', 'noemail@email.com',
      ],
      'phone': [
          '+11234567890', '+10123456789', '+19876543210', '+15555555555', '+15555551212', '+11111111111',
      ],
      '*': [
          '', '-', '0', '-1', 'null', 'none', 'nil', 'n/a', 'na', 'nan', 'unknown', 'undefined', 'anonymous',
          'guest', 'test', 'default', 'false', 'true', '[object object]', '00000000-0000-0000-0000-000000000000',
      ],
  })) }}
{%- endmacro %}

{#-
  Regular expressions (RE2 / POSIX subset: no back-references) for placeholder families. '*' applies to
  every type. Repeated digits are spelled out per digit because back-references are not portable.
-#}
{% macro identity_blocked_patterns() -%}
  {%- set repeated = [] -%}
  {%- for d in range(10) -%}{%- do repeated.append(d ~ '{6,}') -%}{%- endfor -%}
  {{ return(var('identity_blocked_patterns', {
      'email': [
          '^(no|none|noemail|no-email|no_email|nomail|null|n/?a|unknown|test|fake|dummy|noreply|no-reply|donotreply|do-not-reply|nobody|invalid|asdf|sample)[0-9]*@',
          '@(example|test|invalid|localhost|noemail|nomail|fake|mailinator)[.]',
          '@(example|test|invalid|localhost)$',
      ],
      'phone': [
          '^[+][0-9]{0,3}(' ~ repeated | join('|') ~ ')$',
          '(0123456789|1234567890|9876543210|0987654321)$',
      ],
      '*': [
          '^(null|none|unknown|undefined|n/?a|test|-+|0+)$',
      ],
  })) }}
{%- endmacro %}

{#- How many hops the limit-resolution search walks out from each seed identifier. -#}
{% macro identity_limit_max_hops() -%}
  {{ return(var('identity_limit_max_hops', 8)) }}
{%- endmacro %}

{#- `case <column> when 'k' then v ... else <default> end` for a dict of settings. -#}
{% macro identity_case_map(column, mapping, default='null') -%}
  case {{ column }}
    {%- for key, value in mapping.items() %}
    when '{{ key }}' then {{ value }}
    {%- endfor %}
    else {{ default }}
  end
{%- endmacro %}

{#- The priority rank of an identifier type column (unknown types rank last). -#}
{% macro identity_priority_of(type_column) -%}
  {{ identity_case_map(type_column, identity_type_priority(), 99) }}
{%- endmacro %}

{#- A digest of the settings int_identity_nodes computes its columns from (type priorities, guard lists):
    when it changes, an incremental build re-computes every node. -#}
{% macro identity_node_settings_signature() -%}
  {{- local_md5(tojson([identity_type_priority(), identity_blocked_values(), identity_blocked_patterns()],
      sort_keys=true)) -}}
{%- endmacro %}

{#- A digest of the settings the graph is built from beyond the nodes' own (the per-type limits, the hops
    they search, the super-node rules): a build limits the graph to what changed only when the last
    completed graph build used the same (macros/identity/graph_scope.sql). -#}
{% macro identity_graph_settings_signature() -%}
  {{- local_md5(tojson([identity_node_settings_signature(), identity_type_limits(), identity_limit_max_hops(),
      identity_super_node_limits(), identity_super_node_exempt_types()], sort_keys=true)) -}}
{%- endmacro %}

{#- Stable text key of an identifier, `type:value`. -#}
{% macro identity_key(type_column, value_column) -%}
  {{ dbt.concat([type_column, "':'", value_column]) }}
{%- endmacro %}

{#- The moment of this dbt invocation, shared by every model of the run (overridden in unit tests). -#}
{% macro identity_run_at() -%}
  {{ build_started_at() }}
{%- endmacro %}
