{#-
  Profile and trait settings. Every setting is a dbt var whose default lives here, so the project works
  with no vars block; set any of them in dbt_project.yml `vars:` or with `--vars`. docs/traits.md explains
  each one.
-#}

{#-
  Survivorship per golden-record attribute. `rule` is one of:
    source_priority  the value from the first source in `sources` that has one (unlisted sources rank
                     after listed ones), then the most recent non-null value
    most_recent      the most recently observed non-null value
    most_frequent    the value carried by the most records, then the most recent
  Ties always fall back to the most recent observation, then the source name and value, so the choice is
  deterministic.
-#}
{% macro profile_survivorship() -%}
  {{ return(var('profile_survivorship', {
      'first_name': {'rule': 'source_priority', 'sources': ['hubspot', 'shopify', 'custom', 'segment', 'zendesk']},
      'last_name': {'rule': 'source_priority', 'sources': ['hubspot', 'shopify', 'custom', 'segment', 'zendesk']},
      'email': {'rule': 'most_frequent'},
      'phone': {'rule': 'most_frequent'},
      'address_line1': {'rule': 'source_priority', 'sources': ['shopify', 'custom']},
      'city': {'rule': 'source_priority', 'sources': ['shopify', 'custom']},
      'postal_code': {'rule': 'source_priority', 'sources': ['shopify', 'custom']},
      'country_code': {'rule': 'source_priority', 'sources': ['shopify', 'custom']},
  })) }}
{%- endmacro %}

{#- The golden-record attributes, in column order. -#}
{% macro profile_attributes() -%}
  {{ return(['first_name', 'last_name', 'email', 'phone', 'address_line1', 'city', 'postal_code', 'country_code']) }}
{%- endmacro %}

{#- Currency every revenue trait is expressed in. -#}
{% macro profile_reporting_currency() -%}
  {{ return(var('reporting_currency', 'USD')) }}
{%- endmacro %}

{#-
  Units of the reporting currency per unit of each order currency. Static on purpose: traits must not
  change when nothing but an exchange rate moved. Orders in a currency missing here count as orders but
  add nothing to revenue (their `order_total_reporting` is NULL).
-#}
{% macro profile_fx_rates() -%}
  {{ return(var('fx_rates', {'USD': 1.0, 'EUR': 1.08, 'GBP': 1.27, 'CAD': 0.73, 'AUD': 0.66})) }}
{%- endmacro %}

{#- Window, in days, of "recent" product views and cart adds. -#}
{% macro profile_recent_days() -%}
  {{ return(var('profile_recent_days', 30)) }}
{%- endmacro %}

{#- A cart add with no order within this many hours after it counts as abandoned. -#}
{% macro profile_abandon_after_hours() -%}
  {{ return(var('abandon_after_hours', 1)) }}
{%- endmacro %}

{#- Segment event names that put a product in the cart, and that complete an order. -#}
{% macro profile_cart_events() -%}
  {{ return(var('cart_add_events', ['Product Added'])) }}
{%- endmacro %}

{% macro profile_order_events() -%}
  {{ return(var('order_completed_events', ['Order Completed'])) }}
{%- endmacro %}

{% macro profile_product_view_events() -%}
  {{ return(var('product_view_events', ['Product Viewed'])) }}
{%- endmacro %}

{#- The identity summary's columns, in order: customer_traits computes them, customer_profiles puts them
    next to the name and contacts. -#}
{% macro profile_identity_summary_columns() -%}
  {%- set columns = ['first_seen_at', 'last_seen_at', 'identifier_count'] -%}
  {%- for identifier_type in identity_type_priority().keys() -%}
    {%- do columns.append(identifier_type ~ '_count') -%}
  {%- endfor -%}
  {{ return(columns) }}
{%- endmacro %}

{#- ESP event types that mean a hard bounce (SendGrid's `bounce`; `dropped` and `deferred` are soft). -#}
{% macro profile_hard_bounce_events() -%}
  {{ return(var('hard_bounce_events', ['bounce'])) }}
{%- endmacro %}

{#- Job titles (regex on the lower-cased title) that make a B2B contact a decision maker. -#}
{% macro profile_decision_maker_pattern() -%}
  {{ return(var('decision_maker_pattern',
      '(^|[^a-z])(ceo|cfo|coo|cto|cmo|chief|founder|owner|president|vp|vice president|director|head of|partner)([^a-z]|$)')) }}
{%- endmacro %}

{#- A SQL list literal of text values: ('a', 'b'). -#}
{% macro sql_text_list(values) -%}
  ({% for value in values %}{{ tessera.string_literal(value) }}{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}
